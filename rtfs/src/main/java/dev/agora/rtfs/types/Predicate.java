package dev.agora.rtfs.types;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A refinement inside {@code [:and T pred…]}. Numeric comparisons work across integers and floats;
 * lengths count characters (code points), not bytes; a predicate that does not apply to the value's
 * type fails.
 */
public sealed interface Predicate {

  /** True if the value satisfies the predicate. */
  boolean test(Value v);

  /** The predicate as RTFS data, e.g. {@code [:> 0]}. */
  Value toValue();

  /** {@code [:> n] [:>= n] [:< n] [:<= n]}: numeric comparison. */
  record Compare(String op, Value bound) implements Predicate {
    @Override
    public boolean test(Value v) {
      Integer c = Numeric.compare(v, bound);
      if (c == null) {
        return false;
      }
      return switch (op) {
        case ">" -> c > 0;
        case ">=" -> c >= 0;
        case "<" -> c < 0;
        default -> c <= 0;
      };
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword(op), bound);
    }
  }

  /** {@code [:= v]} and {@code [:!= v]}: equal (numbers compare by value) or not. */
  record Equals(boolean negated, Value other) implements Predicate {
    @Override
    public boolean test(Value v) {
      Integer c = Numeric.compare(v, other);
      boolean eq = c != null ? c == 0 : v.equals(other);
      return eq != negated;
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword(negated ? "!=" : "="), other);
    }
  }

  /** {@code [:in-range lo hi]}: lo ≤ v ≤ hi. */
  record InRange(Value low, Value high) implements Predicate {
    @Override
    public boolean test(Value v) {
      Integer lo = Numeric.compare(v, low);
      Integer hi = Numeric.compare(v, high);
      return lo != null && hi != null && lo >= 0 && hi <= 0;
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword("in-range"), low, high);
    }
  }

  /**
   * {@code [:min-length n] [:max-length n] [:length n]} on strings (code points) and {@code
   * [:min-count n] [:max-count n] [:count n]} on collections; each accepts both.
   */
  record Size(String name, long n) implements Predicate {
    @Override
    public boolean test(Value v) {
      long size =
          switch (v) {
            case Value.Str s -> s.value().codePointCount(0, s.value().length());
            case Seq seq -> seq.size();
            case Dict d -> d.size();
            default -> -1;
          };
      if (size < 0) {
        return false;
      }
      return switch (name) {
        case "min-length", "min-count" -> size >= n;
        case "max-length", "max-count" -> size <= n;
        default -> size == n;
      };
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword(name), Value.of(n));
    }
  }

  /** {@code [:non-empty]}: a string, vector, list or map with at least one element. */
  record NonEmpty() implements Predicate {
    private static final Size AT_LEAST_ONE = new Size("min-count", 1);

    @Override
    public boolean test(Value v) {
      return AT_LEAST_ONE.test(v);
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword("non-empty"));
    }
  }

  /**
   * {@code [:matches-regex "re"]}: the string contains a match (anchor with ^…$ for a full match).
   */
  record Matches(Pattern regex) implements Predicate {
    @Override
    public boolean test(Value v) {
      return v instanceof Value.Str s && regex.matcher(s.value()).find();
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword("matches-regex"), Value.of(regex.pattern()));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Matches m && m.regex.pattern().equals(regex.pattern());
    }

    @Override
    public int hashCode() {
      return regex.pattern().hashCode();
    }
  }

  /** {@code [:has-key :k]} and {@code [:required-keys [:a :b]]}: the map has all these keys. */
  record HasKeys(boolean single, List<Value> keys) implements Predicate {
    public HasKeys {
      keys = List.copyOf(keys);
    }

    @Override
    public boolean test(Value v) {
      return v instanceof Dict d && keys.stream().allMatch(d::containsKey);
    }

    @Override
    public Value toValue() {
      return single
          ? Vec.of(Value.keyword("has-key"), keys.get(0))
          : Vec.of(Value.keyword("required-keys"), Vec.of(keys));
    }
  }

  /** {@code [:is-url]} (an absolute http, https or ftp URL) and {@code [:is-email]}. */
  record Format(String name) implements Predicate {
    private static final Pattern URL =
        Pattern.compile("^(https?|ftp)://[^\\s/$.?#][^\\s]*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    @Override
    public boolean test(Value v) {
      return v instanceof Value.Str s
          && (name.equals("is-url") ? URL : EMAIL).matcher(s.value()).matches();
    }

    @Override
    public Value toValue() {
      return Vec.of(Value.keyword(name));
    }
  }

  /** Comparison of numbers across integer and float. */
  final class Numeric {
    private Numeric() {}

    /** The sign of a − b, or null when either is not a number. */
    static Integer compare(Value a, Value b) {
      if (a instanceof Value.Int x && b instanceof Value.Int y) {
        return Long.compare(x.value(), y.value());
      }
      Double x = asDouble(a);
      Double y = asDouble(b);
      return x == null || y == null ? null : Double.compare(x, y);
    }

    private static Double asDouble(Value v) {
      return switch (v) {
        case Value.Int i -> (double) i.value();
        case Value.Real r -> r.value();
        default -> null;
      };
    }
  }

  /** The predicate names the parser knows, for messages. */
  static List<String> names() {
    return List.of(
        ">",
        ">=",
        "<",
        "<=",
        "=",
        "!=",
        "in-range",
        "min-length",
        "max-length",
        "length",
        "min-count",
        "max-count",
        "count",
        "non-empty",
        "matches-regex",
        "has-key",
        "required-keys",
        "is-url",
        "is-email");
  }
}
