package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.config.AgoraConfig;
import dev.agora.core.spi.StoreException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verifying a stored chain opens nothing it would have to create (the SQLite cases run in the cli
 * module's ChainVerifyTest, where the store module is on the class path).
 */
class StoredChainTest {

  @TempDir Path dir;

  @Test
  void aMemoryStoreOrAnUnknownTypeHasNothingToVerify() {
    AgoraConfig memory = AgoraConfig.defaults().withStorage(AgoraConfig.Storage.MEMORY);
    assertThatThrownBy(() -> StoredChain.verify(memory.withDataDir(dir)))
        .isInstanceOf(StoreException.class)
        .hasMessage(
            "storage type 'memory' keeps nothing between runs: there is no stored Causal Chain to"
                + " read");
    AgoraConfig unknown = memory.withStorage(new AgoraConfig.Storage("tape", Map.of()));
    assertThatThrownBy(() -> StoredChain.verify(unknown.withDataDir(dir)))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("storage type 'tape' is not available in this build");
  }
}
