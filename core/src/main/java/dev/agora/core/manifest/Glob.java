package dev.agora.core.manifest;

import dev.agora.core.doc.Fields;
import java.util.ArrayList;
import java.util.List;

/**
 * A pattern over capability ids, anchored on the whole id: {@code *} matches any run of characters
 * (dots included), {@code ?} one character, everything else itself. So {@code ccos.math.*} matches
 * {@code ccos.math.add} and {@code ccos.math.trig.sin} but never {@code evil.ccos.math.add} or
 * {@code ccosXmathYadd} — the reference compiled globs into unanchored, unescaped regexes.
 */
public final class Glob {

  private final String pattern;
  private final String literalPrefix;
  private final boolean literal;

  private Glob(String pattern) {
    this.pattern = pattern;
    int firstWild = firstWildcard(pattern);
    this.literal = firstWild < 0;
    this.literalPrefix = literal ? pattern : pattern.substring(0, firstWild);
  }

  /**
   * Compiles a pattern; one with characters that cannot occur in ids is an {@link
   * IllegalArgumentException}.
   */
  public static Glob of(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      throw new IllegalArgumentException("a pattern must not be empty");
    }
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (!(c < 128 && (Character.isLetterOrDigit(c) || "._:/-*?".indexOf(c) >= 0))) {
        throw new IllegalArgumentException(
            "'"
                + pattern
                + "' contains '"
                + c
                + "'; patterns use id characters and the wildcards * and ?");
      }
    }
    return new Glob(pattern);
  }

  /**
   * The pattern at {@code key} of a configuration map; null, with a problem recorded, when it is
   * missing or not a pattern.
   */
  public static Glob required(Fields f, String key) {
    String p = f.required(key);
    if (p == null) {
      return null;
    }
    try {
      return of(p);
    } catch (IllegalArgumentException e) {
      f.problem(key, e.getMessage());
      return null;
    }
  }

  /** The patterns of the list at {@code key} (none when absent); each bad one is a problem. */
  public static List<Glob> list(Fields f, String key) {
    List<Glob> out = new ArrayList<>();
    for (String pattern : f.strings(key)) {
      try {
        out.add(of(pattern));
      } catch (IllegalArgumentException e) {
        f.problem(key, e.getMessage());
      }
    }
    return out;
  }

  /** True if the whole of {@code id} matches. */
  public boolean matches(String id) {
    if (literal) {
      return pattern.equals(id);
    }
    if (!id.startsWith(literalPrefix)) {
      return false;
    }
    return match(pattern, literalPrefix.length(), id, literalPrefix.length());
  }

  /**
   * The characters before the first wildcard: every match starts with them (used to narrow
   * searches).
   */
  public String literalPrefix() {
    return literalPrefix;
  }

  /** True if the pattern has no wildcard. */
  public boolean isLiteral() {
    return literal;
  }

  public String pattern() {
    return pattern;
  }

  @Override
  public String toString() {
    return pattern;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Glob g && g.pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  /** Wildcard matching with one backtrack point per star: linear for the usual patterns. */
  private static boolean match(String p, int pi, String s, int si) {
    int star = -1;
    int mark = 0;
    while (si < s.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
        pi++;
        si++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = si;
      } else if (star >= 0) {
        pi = star + 1;
        si = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  private static int firstWildcard(String p) {
    for (int i = 0; i < p.length(); i++) {
      if (p.charAt(i) == '*' || p.charAt(i) == '?') {
        return i;
      }
    }
    return -1;
  }
}
