package dev.agora.core.spi;

import java.nio.file.Path;
import java.util.Map;

/**
 * A kind of store, found with ServiceLoader ({@code
 * META-INF/services/dev.agora.core.spi.StoreProvider}). Core provides {@code memory}; the store
 * module {@code sqlite} and {@code postgres}.
 */
public interface StoreProvider {

  /** The {@code storage.type} it answers to. */
  String type();

  /**
   * Opens (creating or migrating as needed) the store {@code settings} describe. {@code dataDir} is
   * where local files go. Failures are a {@link StoreException} saying what could not be opened and
   * why.
   */
  Store open(Map<String, String> settings, Path dataDir);

  /**
   * Opens the existing store {@code settings} describe for reading only: nothing is created,
   * migrated or written (no file, table, row). A store that does not exist, or has no Causal Chain,
   * is a {@link StoreException} saying so. What {@code agora chain verify} uses.
   */
  Store openReadOnly(Map<String, String> settings, Path dataDir);
}
