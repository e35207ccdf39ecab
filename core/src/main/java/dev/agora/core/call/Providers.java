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

  /** The provider for {@code type}, or null. */
  public Provider get(String type) {
    return byType.get(type);
  }

  public Collection<Provider> all() {
    return byType.values();
  }
}
