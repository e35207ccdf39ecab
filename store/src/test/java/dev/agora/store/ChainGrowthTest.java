package dev.agora.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Ledger;
import dev.agora.chain.Recording;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: one restricted caller grew the database by 1.25 GB in 20 s with 15 MB arguments. How
 * much a recorded call costs on disk, on a real SQLite file: a small call a few hundred bytes, a
 * call with a megabyte argument and result hardly more (docs/CAUSAL-CHAIN.md quotes the figures).
 */
class ChainGrowthTest {

  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2026-12-04T08:00:00Z");

  /** A call and its result, as the call path records them. */
  private static void call(Ledger ledger, int n, Value args, Value result) {
    String id = EventIds.next();
    ledger.accept(
        Event.of(id, EventType.CapabilityCall, T0.plusMillis(n), null, null, "agent")
            .withCapability("ccos.echo", "1.0.0")
            .withArguments(args));
    ledger.accept(
        Event.of(EventIds.next(), EventType.CapabilityResult, T0.plusMillis(n), id, null, "agent")
            .withCapability("ccos.echo", "1.0.0")
            .withResult(result, Duration.ofMillis(1), 0));
  }

  private long onDisk() throws IOException {
    long n = 0;
    for (String f : List.of("agora.db", "agora.db-wal")) {
      Path p = dir.resolve(f);
      n += Files.exists(p) ? Files.size(p) : 0;
    }
    return n;
  }

  /** Records {@code calls} calls of {@code args} → {@code args}; the bytes the files grew by. */
  private long grow(int calls, Value args) throws IOException {
    long before = onDisk();
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      Ledger ledger =
          new Ledger(
              s.chain(),
              ChainKey.loadOrCreate(dir, "node"),
              new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 64),
              m -> {});
      for (int i = 0; i < calls; i++) {
        call(ledger, i, args, args);
      }
      ledger.close();
      assertThat(new CausalChain(ledger, List.of()).verify().ok()).isTrue();
    }
    return onDisk() - before;
  }

  @Test
  void aRecordedCallTakesABoundedAmountOfDiskWhateverItsArguments() throws IOException {
    grow(10, Value.of(1)); // the schema and first pages, not counted
    int small = 2000;
    long smallGrowth = grow(small, Dict.of(Value.keyword("city"), Value.of("Oslo")));
    int big = 200;
    Value megabyte = Dict.of(Value.keyword("blob"), Value.of("x".repeat(1 << 20)));
    long bigGrowth = grow(big, megabyte);
    int worst = 100;
    long worstGrowth =
        grow(worst, Value.of("z".repeat((int) Recording.DEFAULT_MAX_STORED_BYTES - 5)));
    System.out.printf(
        "ChainGrowthTest: %d small calls grew the SQLite store by %d bytes (%d per call); "
            + "%d calls with a 1 MiB argument and result by %d bytes (%d per call); "
            + "%d calls with an argument and result just under the limit by %d bytes (%d per call)%n",
        small,
        smallGrowth,
        smallGrowth / small,
        big,
        bigGrowth,
        bigGrowth / big,
        worst,
        worstGrowth,
        worstGrowth / worst);
    assertThat(smallGrowth / small).isLessThan(1500);
    assertThat(bigGrowth / big).as("far less than the 2 MiB sent").isLessThan(2048);
    assertThat(worstGrowth / worst)
        .as("the most a call stores: two values at the limit and the entries around them")
        .isLessThan(2 * Recording.DEFAULT_MAX_STORED_BYTES + 8192);
  }

  @Test
  void aValueJustUnderTheLimitIsStoredWhole() throws IOException {
    Value under = Value.of("y".repeat((int) Recording.DEFAULT_MAX_STORED_BYTES - 5));
    Value over = Value.of("y".repeat((int) Recording.DEFAULT_MAX_STORED_BYTES - 4));
    grow(1, under);
    grow(1, over);
    try (SqliteStore s = SqliteStore.open(dir.resolve("agora.db"))) {
      List<Value> args =
          s.chain().query(ChainQuery.ALL.withType("CapabilityCall")).stream()
              .map(e -> e.action().arguments())
              .toList();
      assertThat(args.get(0)).isEqualTo(under);
      assertThat(((Dict) args.get(1)).get("elided")).isEqualTo(Value.TRUE);
      assertThat(((Dict) args.get(1)).get("bytes"))
          .isEqualTo(Value.of(Recording.DEFAULT_MAX_STORED_BYTES + 1));
    }
  }
}
