package dev.agora.core.store;

import dev.agora.core.config.AgoraConfig;
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

  /** Opens the store {@code storage} describes, keeping local files under {@code dataDir}. */
  public static Store open(AgoraConfig.Storage storage, Path dataDir) {
    StoreProvider p = providers().get(storage.type());
    if (p == null) {
      throw new StoreException(
          "storage type '"
              + storage.type()
              + "' is not available in this build; it has "
              + String.join(", ", types()));
    }
    return p.open(storage.settings(), dataDir);
  }
}
