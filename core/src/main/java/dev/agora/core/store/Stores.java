package dev.agora.core.store;

import dev.agora.core.spi.Store;
import dev.agora.core.spi.StoreException;
import dev.agora.core.spi.StoreProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/** The store types on the class path ({@link StoreProvider}s), and opening the configured one. */
public final class Stores {

  private Stores() {}

  private static Map<String, StoreProvider> providers() {
    Map<String, StoreProvider> out = new TreeMap<>();
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class, Stores.class.getClassLoader())) {
      out.putIfAbsent(p.type(), p);
    }
    return out;
  }

  /** The type names available, sorted. */
  public static Set<String> types() {
    return providers().keySet();
  }

  /**
   * Opens the store of {@code type} with its {@code settings} (agora.yaml's {@code storage:}),
   * keeping local files under {@code dataDir}.
   */
  public static Store open(String type, Map<String, String> settings, Path dataDir) {
    return provider(type).open(settings, dataDir);
  }

  /**
   * Opens the existing store of {@code type} for reading only ({@link StoreProvider#openReadOnly}):
   * creates nothing.
   */
  public static Store openReadOnly(String type, Map<String, String> settings, Path dataDir) {
    return provider(type).openReadOnly(settings, dataDir);
  }

  private static StoreProvider provider(String type) {
    StoreProvider p = providers().get(type);
    if (p == null) {
      throw new StoreException(
          "storage type '"
              + type
              + "' is not available in this build; it has "
              + String.join(", ", types()));
    }
    return p;
  }
}
