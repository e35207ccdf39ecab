package dev.agora.core.store;

/** A store for everything that outlives a process: the Causal Chain and the runtime registry. */
public interface Store extends AutoCloseable {

  ChainStore chain();

  RegistryStore registry();

  /**
   * What it is, for messages: {@code sqlite .agora/agora.db}, {@code postgres //host/db}, {@code
   * memory}.
   */
  String describe();

  @Override
  void close();
}
