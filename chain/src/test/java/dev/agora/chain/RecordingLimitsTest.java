package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Err;
import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Fn;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: one caller filled the disk through the chain (a 15 MB argument, stored whole, twice).
 * Values above {@code chain.max_stored_bytes} are recorded as digest and size; the size is counted
 * without encoding, and the count agrees with the encoder byte for byte.
 */
class RecordingLimitsTest {

  private static final Fn FN =
      new Fn() {
        @Override
        public String name() {
          return "inc";
        }

        @Override
        public Value apply(Value[] args, Evaluation ev) {
          return Value.NIL;
        }
      };

  private static Event call(Value args) {
    return Event.of("c-1", EventType.CapabilityCall, Samples.T0, null, "p", "agent")
        .withCapability("ccos.echo", "1.0.0")
        .withArguments(args);
  }

  /** A string whose canonical encoding (tag, length, UTF-8) is exactly {@code bytes} long. */
  private static Value.Str sized(int bytes) {
    return Value.of("x".repeat(bytes - 5));
  }

  @Test
  void aValueUpToTheLimitIsKeptWholeAndOneByteMoreIsElidedToItsDigestAndSize() {
    Recording r = new Recording(Recording.Privacy.FULL, null, 1000);
    Value atLimit = sized(1000);
    assertThat(Canonical.encode(atLimit)).hasSize(1000);
    assertThat(r.apply(call(atLimit)).arguments()).isSameAs(atLimit);

    Value over = sized(1001);
    Value elided = r.apply(call(over)).arguments();
    assertThat(elided)
        .isEqualTo(
            Dict.of(
                Value.keyword("elided"),
                Value.TRUE,
                Value.keyword("bytes"),
                Value.of(1001),
                Value.keyword("sha-256"),
                Value.of(Hashes.hex(Hashes.sha256(Canonical.encode(over))))));
    assertThat(elided.toString()).startsWith("{:elided true");
  }

  @Test
  void aMegabyteArgumentAndResultTakeAFewHundredBytesAndTheirDigestsProveThem() {
    Value big = Dict.of(Value.keyword("blob"), Value.of("é".repeat(512 * 1024))); // 1 MiB of UTF-8
    Event e = call(big).withResult(Vec.of(List.of(big, big)), Duration.ofMillis(3), 0); // 2 MiB
    Event recorded = Recording.DEFAULT.apply(e);
    byte[] body = Canonical.encode(recorded);
    assertThat(body.length).isLessThan(600);
    Dict args = (Dict) recorded.arguments();
    assertThat(args.get("bytes")).isEqualTo(Value.of(Canonical.encode(big).length));
    assertThat(args.get("sha-256"))
        .isEqualTo(Value.of(Hashes.hex(Hashes.sha256(Canonical.encode(big)))));
    assertThat(((Dict) recorded.result()).get("bytes"))
        .isEqualTo(Value.of(2L * Canonical.encode(big).length + 5));
    assertThat(Canonical.decode(body)).isEqualTo(recorded);
  }

  @Test
  void metadataValuesAndErrorMessagesAreBoundedToo() {
    Recording r = new Recording(Recording.Privacy.FULL, null, 100);
    Event e =
        call(Value.of("small"))
            .withMetadata(
                Dict.of(Value.keyword("name"), Value.of("plan"), Value.keyword("huge"), sized(101)))
            .withError("ProviderError", "ab€".repeat(40) + "\uD83D\uDE00" + "z".repeat(200), null);
    Event out = r.apply(e);
    assertThat(out.arguments()).isEqualTo(Value.of("small"));
    assertThat(out.metadata().get("name")).isEqualTo(Value.of("plan"));
    assertThat(((Dict) out.metadata().get("huge")).get("elided")).isEqualTo(Value.TRUE);
    String all = e.error();
    byte[] utf8 = all.getBytes(StandardCharsets.UTF_8);
    assertThat(out.error())
        .startsWith("ab€".repeat(20))
        .endsWith(
            " … [elided: "
                + utf8.length
                + " bytes in all, sha-256 "
                + Hashes.hex(Hashes.sha256(utf8))
                + "]");
    String kept = out.error().substring(0, out.error().indexOf(" … [elided"));
    assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(100);
    assertThat(all).startsWith(kept);

    String pair = "\uD83D\uDE00".repeat(30); // 120 bytes: the cut never halves a pair
    String cut = r.apply(call(null).withError("X", pair, null)).error();
    assertThat(cut.substring(0, cut.indexOf(" … "))).isEqualTo("\uD83D\uDE00".repeat(25));

    Event named =
        r.apply(
            call(null)
                .withCapability("t".repeat(5000), "v".repeat(200))
                .withError("NotFound", "no such tool", null));
    assertThat(named.capabilityId()).startsWith("t".repeat(100) + " … [elided: 5000 bytes in all");
    assertThat(named.capabilityVersion()).startsWith("v".repeat(100) + " … [elided: 200 bytes");
    assertThat(Entry.Columns.of(named).capabilityId()).isEqualTo(named.capabilityId());

    Event small = call(Value.of(1)).withError("X", "short", null);
    assertThat(r.apply(small)).isSameAs(small);
    String longAscii = "y".repeat(100); // over a third of the limit, within it in bytes
    assertThat(r.apply(call(null).withError("X", longAscii, null)).error()).isEqualTo(longAscii);
  }

  @Test
  void digestPrivacyStillDigestsWhateverTheSize() {
    Recording r = new Recording(Recording.Privacy.DIGEST, null, 10);
    Event out = r.apply(call(sized(500)));
    assertThat(out.arguments()).isEqualTo(Recording.digest(sized(500)));
  }

  @Test
  void theLimitMustBeABytesCount() {
    assertThatThrownBy(() -> new Recording(Recording.Privacy.FULL, null, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxStoredBytes must be from 0 to 2147483647, got -1");
    assertThatThrownBy(() -> new Recording(Recording.Privacy.FULL, null, 1L << 31))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Recording(Recording.Privacy.FULL, null).maxStoredBytes()).isEqualTo(65_536);
  }

  @Test
  void theCountedSizeIsTheEncodedSizeAndStopsEarlyPastTheLimit() {
    long seed = System.nanoTime();
    System.out.println("RecordingLimitsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 2000; i++) {
      Value v = randomValue(r, 0);
      long exact = Canonical.encode(v).length;
      assertThat(Canonical.size(v, Long.MAX_VALUE))
          .as("seed %d, value %s", seed, v)
          .isEqualTo(exact);
      long limit = r.nextLong(exact + 2);
      long counted = Canonical.size(v, limit);
      if (exact <= limit) {
        assertThat(counted).as("seed %d", seed).isEqualTo(exact);
      } else {
        assertThat(counted).as("seed %d", seed).isGreaterThan(limit);
      }
    }
    assertThat(Canonical.size(null, 0)).isEqualTo(1);
    assertThat(Canonical.size(Value.of("x".repeat(1_000_000)), 100))
        .as("a long string is known too large from its length alone")
        .isEqualTo(1_000_005);
  }

  private static Value randomValue(SplittableRandom r, int depth) {
    int kind = r.nextInt(depth > 3 ? 8 : 12);
    return switch (kind) {
      case 0 -> Value.NIL;
      case 1 -> Value.of(r.nextBoolean());
      case 2 -> Value.of(r.nextLong());
      case 3 -> Value.of(r.nextDouble());
      case 4, 5 -> Value.of(randomText(r));
      case 6 -> Value.keyword(r.nextBoolean() ? "k" + r.nextInt(100) : "ns/é" + r.nextInt(9));
      case 7 -> r.nextBoolean() ? Value.symbol("s" + randomText(r)) : FN;
      case 8 -> Lst.of(items(r, depth).toArray(Value[]::new));
      case 9 -> Vec.of(items(r, depth));
      case 10 -> {
        Dict.Builder b = Dict.builder();
        for (int i = r.nextInt(5); i > 0; i--) {
          b.put(Value.of(randomText(r)), randomValue(r, depth + 1));
        }
        yield b.build();
      }
      default ->
          new Err(
              ErrorKind.values()[r.nextInt(ErrorKind.values().length)],
              randomText(r),
              randomValue(r, depth + 1),
              null);
    };
  }

  private static List<Value> items(SplittableRandom r, int depth) {
    List<Value> out = new ArrayList<>();
    for (int i = r.nextInt(5); i > 0; i--) {
      out.add(randomValue(r, depth + 1));
    }
    return out;
  }

  /** ASCII, two- and three-byte chars, surrogate pairs and lone surrogates. */
  private static String randomText(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      switch (r.nextInt(6)) {
        case 0 -> sb.append((char) r.nextInt(0x20, 0x80));
        case 1 -> sb.append((char) r.nextInt(0x80, 0x800));
        case 2 -> sb.append((char) r.nextInt(0x800, 0xD800));
        case 3 -> sb.appendCodePoint(r.nextInt(0x10000, 0x110000));
        case 4 -> sb.append((char) r.nextInt(0xD800, 0xE000)); // unpaired
        default -> sb.append((char) r.nextInt(0xE000, 0x10000));
      }
    }
    return sb.toString();
  }
}
