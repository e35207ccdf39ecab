package dev.agora.store;

import dev.agora.core.spi.Store;
import dev.agora.core.store.MemoryStore;

/** The store contract on the in-memory store. */
class MemoryStoreTest extends StoreContract {
  @Override
  Store fresh() {
    return new MemoryStore();
  }

  @Override
  Store reopen() {
    return null;
  }

  @Override
  Store readOnly() {
    return null;
  }

  @Override
  void sql(String statement) {
    throw new UnsupportedOperationException();
  }
}
