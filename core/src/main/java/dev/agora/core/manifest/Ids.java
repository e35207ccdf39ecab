package dev.agora.core.manifest;

import java.util.Locale;

/**
 * Capability ids and namespaces.
 *
 * <p>An id is segments of letters, digits, {@code _} and {@code -}, separated by {@code .}
 * (namespace parts), {@code :} or {@code /} (versioned forms such as {@code ns:v1.2/name} and
 * {@code com.acme.db:v1.0:sales-query}); it starts with a letter, has no empty segment and is at
 * most 200 characters. The namespace of {@code ccos.math.add} is {@code ccos.math}; of a versioned
 * id, the part before its first {@code :} or {@code /}. Namespaces nest on segment boundaries:
 * {@code ccos} contains {@code ccos.math.add} but not {@code ccosx.tool} — the reference used raw
 * string prefixes.
 */
public final class Ids {

  public static final int MAX_LENGTH = 200;

  private Ids() {}

  /** Null if {@code id} is valid, else what is wrong with it. */
  public static String problem(String id) {
    if (id == null || id.isEmpty()) {
      return "an id must not be empty";
    }
    if (id.length() > MAX_LENGTH) {
      return "an id is at most " + MAX_LENGTH + " characters";
    }
    if (!Character.isLetter(id.charAt(0)) || id.charAt(0) > 127) {
      return "an id starts with an ASCII letter: '" + id + "'";
    }
    char prev = 0;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean sep = c == '.' || c == ':' || c == '/';
      if (sep && (prev == 0 || isSep(prev))) {
        return "'" + id + "' has an empty segment";
      }
      if (!sep && !(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-'))) {
        return "'"
            + id
            + "' contains '"
            + c
            + "'; ids use letters, digits, _ and -, with . : / between segments";
      }
      prev = c;
    }
    return isSep(prev) ? "'" + id + "' ends with a separator" : null;
  }

  /** Throws {@link IllegalArgumentException} when {@code id} is not valid. */
  public static void check(String id) {
    String p = problem(id);
    if (p != null) {
      throw new IllegalArgumentException(p);
    }
  }

  /** The namespace of an id: {@code ccos.math.add} → {@code ccos.math}; {@code echo} → empty. */
  public static String namespace(String id) {
    int versioned = firstOf(id, ':', '/');
    if (versioned >= 0) {
      return id.substring(0, versioned);
    }
    int dot = id.lastIndexOf('.');
    return dot < 0 ? "" : id.substring(0, dot);
  }

  /** True if {@code id} is in namespace {@code ns} or below it, on segment boundaries. */
  public static boolean inNamespace(String id, String ns) {
    if (ns.isEmpty() || id.equals(ns)) {
      return true;
    }
    return id.length() > ns.length() && id.startsWith(ns) && isSep(id.charAt(ns.length()));
  }

  /**
   * An effect name, normalised: lower case, no leading colon ({@code :Network} → {@code network}).
   */
  public static String effect(String name) {
    String n = name.startsWith(":") ? name.substring(1) : name;
    return n.strip().toLowerCase(Locale.ROOT);
  }

  private static boolean isSep(char c) {
    return c == '.' || c == ':' || c == '/';
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
