package dev.agora.rtfs.stdlib;

import dev.agora.rtfs.Builtin;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The standard library: every builtin, registered once and shared by all interpreters (builtins are
 * stateless). Grouped by concern in {@link Arithmetic}, {@link Sequences}, {@link Maps}, {@link
 * Functions}, {@link Strings}, {@link Predicates} and {@link Control}.
 */
public final class Stdlib {

  private static final Map<String, Builtin> BUILTINS = build();

  private Stdlib() {}

  /** Every builtin by name, in registration order. */
  public static Map<String, Builtin> builtins() {
    return Collections.unmodifiableMap(BUILTINS);
  }

  private static Map<String, Builtin> build() {
    Registry r = new Registry();
    Arithmetic.register(r);
    Sequences.register(r);
    Maps.register(r);
    Functions.register(r);
    Strings.register(r);
    Predicates.register(r);
    Control.register(r);
    return r.builtins;
  }

  /** Collects builtins; a name registered twice is a programming error. */
  static final class Registry {
    private final Map<String, Builtin> builtins = new LinkedHashMap<>();

    /**
     * Registers {@code name} taking {@code min} to {@code max} arguments ({@link Builtin#VARIADIC}
     * for no maximum).
     */
    void fn(String name, int min, int max, Builtin.Impl impl) {
      fn(name, min, max, impl, null);
    }

    /** Registers a builtin with a separate two-argument body for the hot path. */
    void fn(String name, int min, int max, Builtin.Impl impl, Builtin.Impl2 impl2) {
      if (builtins.putIfAbsent(name, new Builtin(name, min, max, impl, impl2)) != null) {
        throw new IllegalStateException("builtin registered twice: " + name);
      }
    }

    /** Makes {@code alias} another name for the builtin {@code name}. */
    void alias(String alias, String name) {
      Builtin b = builtins.get(name);
      fn(alias, b.minArgs(), b.maxArgs(), b.impl(), b.impl2());
    }
  }
}
