package dev.agora.core.doc;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reading of one map in a {@link Document}, collecting problems instead of stopping at the
 * first: a reader reads every field it knows, gets a default for a bad one, and at the end {@link
 * #rejectUnknown} reports the keys nobody asked for. Keys may be written {@code snake_case} (JSON,
 * YAML) or {@code kebab-case} (RTFS), as strings or keywords.
 */
public final class Fields {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final Document doc;
  private final List<Value> path;
  private final Dict map;
  private final List<DocumentProblem> problems;
  private final Set<String> seen = new LinkedHashSet<>();

  private Fields(Document doc, List<Value> path, Dict map, List<DocumentProblem> problems) {
    this.doc = doc;
    this.path = List.copyOf(path);
    this.map = map;
    this.problems = problems;
  }

  /**
   * Fields of the map at {@code path}; a node that is not a map is a problem (and reads as empty).
   */
  public static Fields of(
      Document doc, List<Value> path, Value node, List<DocumentProblem> problems) {
    if (node instanceof Dict d) {
      return new Fields(doc, path, d, problems);
    }
    if (!(node instanceof Value.Nil)) {
      problems.add(doc.problem(path, "expected a map, found " + Quoting.shape(node)));
    }
    return new Fields(doc, path, Dict.EMPTY, problems);
  }

  public Document document() {
    return doc;
  }

  public List<Value> path() {
    return path;
  }

  /** The path of a field of this map. */
  public List<Value> path(String key) {
    List<Value> p = new ArrayList<>(path);
    Value actual = actualKey(key);
    p.add(actual == null ? Value.keyword(key) : actual);
    return p;
  }

  /** True if the map has {@code key} (in any spelling). Asking makes the key a known one. */
  public boolean has(String key) {
    seen.add(normal(key));
    return actualKey(key) != null;
  }

  /** The raw value of {@code key}, or null when absent. */
  public Value get(String key) {
    seen.add(normal(key));
    Value k = actualKey(key);
    return k == null ? null : map.get(k);
  }

  /** Every key of the map, as written (for maps whose keys are names, like namespaces). */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    for (Value k : map.asMap().keySet()) {
      out.add(name(k));
    }
    return out;
  }

  // ---- Typed readers ----

  public String string(String key, String fallback) {
    Value v = get(key);
    if (v == null || v instanceof Value.Nil) {
      return fallback;
    }
    return switch (v) {
      case Value.Str s -> s.value();
      case Value.Keyword k -> k.name();
      case Value.Symbol s -> s.name();
      default -> {
        problem(key, "expected a string, found " + Printer.describe(v));
        yield fallback;
      }
    };
  }

  /** A required string: absence or emptiness is a problem. */
  public String required(String key) {
    if (!has(key)) {
      seen.add(normal(key));
      problems.add(doc.problem(path, "missing required field '" + key + "'"));
      return null;
    }
    String s = string(key, null);
    if (s != null && s.isBlank()) {
      problem(key, "must not be empty");
      return null;
    }
    return s;
  }

  public long integer(String key, long fallback, long min, long max) {
    Value v = get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Value.Int i) || i.value() < min || i.value() > max) {
      problem(
          key, "expected an integer from " + min + " to " + max + ", found " + Printer.describe(v));
      return fallback;
    }
    return i.value();
  }

  public double number(String key, double fallback, double min, double max) {
    Value v = get(key);
    if (v == null) {
      return fallback;
    }
    double d =
        v instanceof Value.Int i ? i.value() : v instanceof Value.Real r ? r.value() : Double.NaN;
    if (Double.isNaN(d) || d < min || d > max) {
      problem(
          key, "expected a number from " + min + " to " + max + ", found " + Printer.describe(v));
      return fallback;
    }
    return d;
  }

  public boolean bool(String key, boolean fallback) {
    Value v = get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Value.Bool b)) {
      problem(key, "expected true or false, found " + Printer.describe(v));
      return fallback;
    }
    return b.value();
  }

  /** A list of names: strings, keywords or symbols ({@code [:network "pure"]}). Absent: empty. */
  public List<String> strings(String key) {
    Seq seq = list(key);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < seq.size(); i++) {
      Value item = seq.get(i);
      String s =
          switch (item) {
            case Value.Str str -> str.value();
            case Value.Keyword k -> k.name();
            case Value.Symbol sym -> sym.name();
            default -> null;
          };
      if (s == null) {
        List<Value> p = path(key);
        p.add(Value.of(i));
        problems.add(doc.problem(p, "expected a string, found " + Printer.describe(item)));
      } else {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * A duration: {@code "250ms" "30s" "5m" "1h" "1d"} or ISO-8601 ({@code "PT30S"}). Must be
   * positive.
   */
  public Duration duration(String key, Duration fallback) {
    Value v = get(key);
    if (v == null || v instanceof Value.Nil) {
      return fallback;
    }
    Duration d = v instanceof Value.Str s ? parseDuration(s.value()) : null;
    if (d == null || d.isNegative() || d.isZero()) {
      problem(
          key,
          "expected a positive duration such as \"500ms\", \"30s\" or \"5m\", found "
              + Printer.describe(v));
      return fallback;
    }
    return d;
  }

  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,12})\\s*(B|KiB|MiB|GiB)?", Pattern.CASE_INSENSITIVE);

  /**
   * A size in bytes: an integer, or a string such as {@code "512KiB"}, {@code "4MiB"}, {@code
   * "1GiB"} or {@code "100B"}; from 1 to {@code max}.
   */
  public long size(String key, long fallback, long max) {
    Value v = get(key);
    if (v == null || v instanceof Value.Nil) {
      return fallback;
    }
    long n = -1;
    if (v instanceof Value.Int i) {
      n = i.value();
    } else if (v instanceof Value.Str str && SIZE.matcher(str.value().strip()).matches()) {
      Matcher m = SIZE.matcher(str.value().strip());
      m.matches();
      String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
      int shift =
          switch (unit) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 0;
          };
      long number = Long.parseLong(m.group(1));
      n = number > max >> shift ? Long.MAX_VALUE : number << shift;
    }
    if (n < 1 || n > max) {
      problem(
          key,
          "expected a size from 1 byte to "
              + max
              + " bytes, such as 65536, \"512KiB\" or \"4MiB\", found "
              + Printer.describe(v));
      return fallback;
    }
    return n;
  }

  /** An http(s) URL, or null when absent or not one (a problem is recorded then). */
  public URI httpUrl(String key) {
    String text = string(key, null);
    if (text == null) {
      return null;
    }
    try {
      URI uri = new URI(text);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        problem(key, "'" + text + "' is not an http(s) URL");
        return null;
      }
      return uri;
    } catch (URISyntaxException e) {
      problem(key, "'" + text + "' is not a URL: " + e.getReason());
      return null;
    }
  }

  /** The nested map at {@code key} (empty when absent). */
  public Fields map(String key) {
    Value v = get(key);
    return of(doc, path(key), v == null ? Value.NIL : v, problems);
  }

  /** The maps of the list at {@code key}, each with its own path ({@code key[i]}); absent: none. */
  public List<Fields> items(String key) {
    Seq seq = list(key);
    List<Fields> out = new ArrayList<>();
    for (int i = 0; i < seq.size(); i++) {
      List<Value> p = path(key);
      p.add(Value.of(i));
      out.add(of(doc, p, seq.get(i), problems));
    }
    return out;
  }

  /** The list at {@code key}; absent is empty, anything else a problem (and empty). */
  private Seq list(String key) {
    Value v = get(key);
    if (v == null || v instanceof Value.Nil) {
      return Vec.EMPTY;
    }
    if (!(v instanceof Seq seq)) {
      problem(key, "expected a list, found " + Printer.describe(v));
      return Vec.EMPTY;
    }
    return seq;
  }

  /** Fields over {@code node}, standing at {@code key} (for a value the caller reshaped first). */
  public Fields nested(String key, Value node) {
    return of(doc, path(key), node, problems);
  }

  /** Records a problem with the field {@code key}. */
  public void problem(String key, String message) {
    problems.add(doc.problem(path(key), message));
  }

  /** Records a problem with this map itself. */
  public void problem(String message) {
    problems.add(doc.problem(path, message));
  }

  /**
   * Reports every key that no reader asked for, naming the keys that are allowed. A key is quoted
   * only when it looks like a key name ({@link Quoting#quotable}); anything else — a line of an
   * .env file, a token — is named by its line alone (issue 12).
   */
  public void rejectUnknown() {
    for (Map.Entry<Value, Value> e : map.asMap().entrySet()) {
      String key = name(e.getKey());
      if (seen.contains(normal(key))) {
        continue;
      }
      String known = "; known keys are " + String.join(", ", seen);
      if (Quoting.quotable(key)) {
        problem(key, "unknown key '" + key + "'" + known);
      } else {
        int line = doc.line(path(key));
        problems.add(
            new DocumentProblem(
                doc.file(), line, Paths.text(path), "line " + line + ": not a known key" + known));
      }
    }
  }

  // ---- Helpers ----

  public static Duration parseDuration(String text) {
    String t = text.strip();
    Matcher m = DURATION.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(t);
    } catch (DateTimeParseException
        | ArithmeticException
        | NumberFormatException e) { // e.g. more than a long holds
      return null;
    }
  }

  private Value actualKey(String key) {
    String n = normal(key);
    for (Value k : map.asMap().keySet()) {
      if (normal(name(k)).equals(n)) {
        return k;
      }
    }
    return null;
  }

  private static String name(Value k) {
    return switch (k) {
      case Value.Keyword kw -> kw.name();
      case Value.Str s -> s.value();
      default -> Printer.print(k);
    };
  }

  private static String normal(String key) {
    return key.replace('-', '_');
  }
}
