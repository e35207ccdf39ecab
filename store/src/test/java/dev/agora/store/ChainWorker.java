package dev.agora.store;

import dev.agora.chain.ChainKey;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.spi.Store;
import dev.agora.rtfs.Value;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An Agora node in a child process for the crash and multi-process tests: opens a store, appends
 * from several threads as fast as it can, and prints {@code ack <id>} for every action once {@code
 * accept} has returned — that is, once it is durable. A parent that reads an ack may rely on the
 * action surviving anything, SIGKILL included.
 *
 * <p>Usage: {@code ChainWorker sqlite:<file>|postgres:<jdbc url> <key dir> <id prefix> <threads>
 * <per thread, 0 = until killed>}
 */
public final class ChainWorker {

  private ChainWorker() {}

  public static void main(String[] args) throws Exception {
    String where = args[0];
    Path keyDir = Path.of(args[1]);
    String prefix = args[2];
    int threads = Integer.parseInt(args[3]);
    long each = Long.parseLong(args[4]);
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    try (Store store = open(where)) {
      Ledger ledger =
          new Ledger(
              store.chain(),
              ChainKey.loadOrCreate(keyDir, prefix),
              new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 500, 1024),
              System.err::println);
      out.println("ready");
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        ts.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (long i = 0; each == 0 || i < each; i++) {
                        String actionId = prefix + "-" + id + "-" + i;
                        ledger.accept(
                            Event.of(
                                    actionId,
                                    EventType.CapabilityCall,
                                    Instant.now(),
                                    null,
                                    prefix,
                                    "worker-" + id)
                                .withCapability("bench.work", "1.0.0")
                                .withArguments(Value.of("payload " + i + " of thread " + id)));
                        out.println("ack " + actionId);
                      }
                    }));
      }
      for (Thread t : ts) {
        t.join();
      }
      ledger.close();
      out.println("done");
    }
  }

  static Store open(String where) {
    if (where.startsWith("sqlite:")) {
      return SqliteStore.open(Path.of(where.substring("sqlite:".length())));
    }
    return Pg.open(where.substring("postgres:".length()));
  }

  /** Starts a worker; its stderr goes to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ChainWorker.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(log.toFile()).start();
  }
}
