package dev.agora.store;

import dev.agora.core.store.MemoryStore;
import dev.agora.core.store.Store;

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
  void sql(String statement) {
    throw new UnsupportedOperationException();
  }
}
