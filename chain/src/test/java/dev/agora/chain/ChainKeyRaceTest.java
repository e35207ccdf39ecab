package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: four processes starting at once on a new data directory created three node keys. Key
 * creation is now atomic and never replaces: every racer loads the one key that was placed first.
 */
class ChainKeyRaceTest {

  @TempDir Path dir;

  @Test
  void threadsRacingOnAFreshDirectoryAllLoadOneKey() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 25; round++) {
        Path data = dir.resolve("round-" + round);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<ChainKey>> keys = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String name = "node-" + t;
          keys.add(
              pool.submit(
                  () -> {
                    start.await();
                    return ChainKey.loadOrCreate(data, name);
                  }));
        }
        Set<String> loaded = new HashSet<>();
        for (Future<ChainKey> k : keys) {
          loaded.add(k.get().verifier().encoded());
        }
        assertThat(loaded).as("round %d: every thread loaded the same key", round).hasSize(1);
        assertOneKeyOnDisk(data, loaded.iterator().next());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void processesRacingOnAFreshDirectoryAllLoadOneKey() throws Exception {
    Path data = dir.resolve("data");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> racers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      racers.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  Racer.class.getName(),
                  data.toString(),
                  "node-" + i)
              .redirectErrorStream(true)
              .start());
    }
    List<BufferedReader> outs = new ArrayList<>();
    for (Process p : racers) { // a barrier across processes: each says ready, then all are let go
      BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(r.readLine()).isEqualTo("ready");
      outs.add(r);
    }
    for (Process p : racers) {
      OutputStream in = p.getOutputStream();
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
    }
    Set<String> loaded = new HashSet<>();
    for (int i = 0; i < racers.size(); i++) {
      String line = outs.get(i).readLine();
      assertThat(racers.get(i).waitFor()).as("racer %d said %s", i, line).isZero();
      loaded.add(line);
    }
    assertThat(loaded).hasSize(1);
    assertOneKeyOnDisk(data, loaded.iterator().next());
  }

  /**
   * One racing process: waits for "go" on stdin, loads or creates the key, prints its public half.
   */
  public static final class Racer {
    public static void main(String[] args) throws IOException {
      System.out.println("ready");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      System.out.println(ChainKey.loadOrCreate(Path.of(args[0]), args[1]).verifier().encoded());
    }
  }

  private static void assertOneKeyOnDisk(Path data, String verifier) throws IOException {
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()))
          .as("no temporary files are left behind")
          .containsExactlyInAnyOrder(ChainKey.PRIVATE_FILE, ChainKey.PUBLIC_FILE);
    }
    assertThat(Files.readString(data.resolve(ChainKey.PUBLIC_FILE)).strip()).isEqualTo(verifier);
    assertThat(
            ChainKey.parse(Files.readString(data.resolve(ChainKey.PRIVATE_FILE)))
                .verifier()
                .encoded())
        .isEqualTo(verifier);
  }

  @Test
  void aPublicKeyWithoutItsPrivateKeyIsRefusedNotReplaced() throws IOException {
    ChainKey.loadOrCreate(dir, "node");
    String pub = Files.readString(dir.resolve(ChainKey.PUBLIC_FILE));
    Files.delete(dir.resolve(ChainKey.PRIVATE_FILE));
    assertThatThrownBy(() -> ChainKey.loadOrCreate(dir, "node"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("the node's signing key is missing");
    assertThat(Files.readString(dir.resolve(ChainKey.PUBLIC_FILE))).isEqualTo(pub);
    assertThat(dir.resolve(ChainKey.PRIVATE_FILE)).doesNotExist();
  }

  @Test
  void theVerifierKeyIsReadNeverCreated() throws IOException {
    Path empty = dir.resolve("empty");
    assertThatThrownBy(() -> ChainKey.readVerifier(empty))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageStartingWith("no node key: " + empty.resolve(ChainKey.PUBLIC_FILE));
    assertThat(empty).doesNotExist();

    ChainKey key = ChainKey.loadOrCreate(dir, "node");
    assertThat(ChainKey.readVerifier(dir)).isEqualTo(key.verifier());
    Path pub = dir.resolve(ChainKey.PUBLIC_FILE);
    Path priv = dir.resolve(ChainKey.PRIVATE_FILE);
    Files.writeString(pub, "garbage\n");
    assertThatThrownBy(() -> ChainKey.readVerifier(dir))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageStartingWith(pub + ": not a verifier key");
    Files.writeString(pub, ChainKey.generate("node").verifier().encoded() + "\n");
    assertThatThrownBy(() -> ChainKey.readVerifier(dir))
        .hasMessage(pub + " does not belong to " + priv);
    Files.writeString(priv, "garbage\n");
    assertThatThrownBy(() -> ChainKey.readVerifier(dir))
        .hasMessageStartingWith(priv + ": not a signing key");
    Files.delete(priv);
    assertThat(ChainKey.readVerifier(dir))
        .as("the public half alone is enough")
        .isNotEqualTo(key.verifier());
  }
}
