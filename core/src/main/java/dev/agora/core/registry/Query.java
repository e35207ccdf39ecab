package dev.agora.core.registry;

import dev.agora.core.manifest.Glob;

/**
 * A registry search; every given criterion must hold. {@code text} matches when each of its words
 * is the start of a word of the id, name or description (case-insensitive): {@code "weath cur"}
 * finds {@code weather.current}.
 *
 * @param glob an anchored id pattern, or null
 * @param namespace ids in this namespace or below it, or null
 * @param effect capabilities with this effect ({@code pure} for those with none), or null
 * @param text free text, or null
 * @param limit the most results (by id order)
 */
public record Query(Glob glob, String namespace, String effect, String text, int limit) {

  /** Everything, up to 1,000 results. */
  public static final Query ALL = new Query(null, null, null, null, 1_000);

  public static Query glob(String pattern) {
    return new Query(Glob.of(pattern), null, null, null, 1_000);
  }

  public Query withLimit(int n) {
    return new Query(glob, namespace, effect, text, n);
  }

  public Query withText(String t) {
    return new Query(glob, namespace, effect, t, limit);
  }

  public Query withEffect(String e) {
    return new Query(glob, namespace, e, text, limit);
  }

  public Query withNamespace(String ns) {
    return new Query(glob, ns, effect, text, limit);
  }
}
