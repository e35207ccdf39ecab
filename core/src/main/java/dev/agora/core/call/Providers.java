package dev.agora.core.call;

import dev.agora.core.spi.Provider;
import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The providers available, by type: those found by {@link ServiceLoader} plus any added in code.
 */
public final class Providers {

  private final Map<String, Provider> byType = new ConcurrentHashMap<>();

  /** The providers on the class path. */
  public static Providers discover(ClassLoader loader) {
    Providers p = new Providers();
    for (Provider provider : ServiceLoader.load(Provider.class, loader)) {
      p.add(provider);
    }
    return p;
  }

  /** Adds (or replaces) the provider for its type. */
  public void add(Provider provider) {
    byType.put(provider.type(), provider);
  }

  /**
   * The provider for {@code type}, or null: the one of that type, else one that {@linkplain
   * Provider#serves serves} it (a type a plugin adds).
   */
  public Provider get(String type) {
    Provider p = byType.get(type);
    if (p != null) {
      return p;
    }
    for (Provider other : byType.values()) {
      if (other.serves(type)) {
        return other;
      }
    }
    return null;
  }

  public Collection<Provider> all() {
    return byType.values();
  }
}
