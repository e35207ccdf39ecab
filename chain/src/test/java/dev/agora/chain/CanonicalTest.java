package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanonicalTest {

  private static final HexFormat HEX = HexFormat.of();

  /** name → [body hex, leaf hash hex] from the committed golden file. */
  private static Map<String, String[]> goldenFile() throws IOException {
    Map<String, String[]> m = new LinkedHashMap<>();
    try (InputStream in = CanonicalTest.class.getResourceAsStream("/chain/golden.txt")) {
      assertThat(in).as("chain/golden.txt on the test classpath").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] f = line.split(" ");
          m.put(f[0], new String[] {f[1], f[2]});
        }
      }
    }
    return m;
  }

  @Test
  void encodingIsPinnedByTheCommittedGoldenVectors() throws IOException {
    Map<String, String[]> golden = goldenFile();
    assertThat(golden.keySet()).containsExactlyElementsOf(Samples.golden().keySet());
    Samples.golden()
        .forEach(
            (name, event) -> {
              byte[] body = Canonical.encode(event);
              assertThat(HEX.formatHex(body))
                  .as("bytes of %s", name)
                  .isEqualTo(golden.get(name)[0]);
              assertThat(HEX.formatHex(Hashes.leaf(body)))
                  .as("leaf hash of %s", name)
                  .isEqualTo(golden.get(name)[1]);
            });
  }

  /**
   * The intent and attestation slots are reserved: an entry that fills them (as version 0.1 of this
   * format's golden "registered" vector did) is refused, by the full reader and by the index check.
   */
  @Test
  void entriesFillingAReservedSlotAreRefused() {
    String registered = HEX.formatHex(Canonical.encode(Samples.golden().get("registered")));
    String intent = "0600000008696e74656e742d39"; // "intent-9"
    String attestation = "06000000056174742d31"; // "att-1"
    int planSlot = registered.indexOf("00" + "04000000006b016ba0"); // intent, then the timestamp
    String withIntent =
        registered.substring(0, planSlot) + intent + registered.substring(planSlot + 2);
    String withAttestation =
        registered.substring(0, registered.length() - 16) // then args, result, metadata {}
            + attestation
            + registered.substring(registered.length() - 14);
    for (String[] c :
        List.of(
            new String[] {withIntent, "intent id"},
            new String[] {withAttestation, "attestation id"})) {
      byte[] body = HEX.parseHex(c[0]);
      assertThatThrownBy(() -> Canonical.decode(body))
          .isInstanceOf(ChainFormatException.class)
          .hasMessageContaining("the " + c[1] + " slot is reserved");
      assertThat(
              Canonical.headerMatches(body, Entry.Columns.of(Samples.golden().get("registered"))))
          .isFalse();
    }
  }

  /** Each way a header can be wrong makes the allocation-free check say "look closer". */
  @Test
  void theIndexCheckRefusesEveryMalformedHeaderField() {
    Event e = Samples.golden().get("plan-started");
    Entry.Columns c = Entry.Columns.of(e);
    String hex = HEX.formatHex(Canonical.encode(e));
    assertThat(Canonical.headerMatches(HEX.parseHex(hex), c)).isTrue();
    String time = "04000000006b016ba0040000000000000000"; // seconds, then nanoseconds
    String caller = "6167656e74000000"; // "agent", then success, error kind, error: absent
    String cost = "05000000000000000000"; // cost 0.0, then duration: absent
    Map<String, String> broken =
        Map.of(
            "version 2", "02" + hex.substring(2),
            "negative nanoseconds", hex.replace(time, "04000000006b016ba004ffffffffffffffff"),
            "a second's worth of nanoseconds",
                hex.replace(time, "04000000006b016ba0040000000" + "03b9aca00"),
            "seconds past 2262", hex.replace(time, "047fffffffffffffff040000000000000000"),
            "success neither absent, true nor false", hex.replace(caller, "6167656e74070000"),
            "duration neither absent nor an integer", hex.replace(cost, "05000000000000000006"));
    broken.forEach(
        (what, body) -> {
          assertThat(body).as(what).isNotEqualTo(hex);
          assertThat(Canonical.headerMatches(HEX.parseHex(body), c)).as(what).isFalse();
        });
    byte[] body = HEX.parseHex(hex);
    Entry.Columns unknownType =
        new Entry.Columns(
            c.actionId(),
            "Nope",
            c.parentId(),
            c.planId(),
            c.capabilityId(),
            c.caller(),
            c.timeNanos());
    Entry.Columns noId =
        new Entry.Columns(
            null, c.type(), c.parentId(), c.planId(), c.capabilityId(), c.caller(), c.timeNanos());
    assertThat(Canonical.headerMatches(body, unknownType)).isFalse();
    assertThat(Canonical.headerMatches(body, noId)).isFalse();
  }

  @Test
  void decodingGivesBackTheSameEvent() {
    Samples.golden()
        .forEach(
            (name, event) -> {
              Event back = Canonical.decode(Canonical.encode(event));
              assertThat(Canonical.encode(back)).as(name).isEqualTo(Canonical.encode(event));
              assertThat(back.id()).isEqualTo(event.id());
              assertThat(back.at()).isEqualTo(event.at());
              assertThat(back.arguments()).isEqualTo(event.arguments());
              assertThat(back.duration()).isEqualTo(event.duration());
              assertThat(back.success()).isEqualTo(event.success());
            });
    SplittableRandom r = new SplittableRandom(11);
    for (int i = 0; i < 500; i++) {
      Event e = Samples.random(r, i);
      assertThat(Canonical.decode(Canonical.encode(e))).isEqualTo(e);
    }
  }

  @Test
  void theFastHeaderCheckAgreesWithTheDecoder() {
    Samples.golden()
        .forEach(
            (name, event) -> {
              byte[] body = Canonical.encode(event);
              Entry.Columns c = Entry.Columns.of(event);
              assertThat(Canonical.headerMatches(body, c)).as(name).isTrue();
              assertThat(c.difference(Entry.Columns.of(Canonical.header(body)))).isNull();
              for (Entry.Columns other :
                  List.of(
                      new Entry.Columns(
                          "x",
                          c.type(),
                          c.parentId(),
                          c.planId(),
                          c.capabilityId(),
                          c.caller(),
                          c.timeNanos()),
                      new Entry.Columns(
                          c.actionId(),
                          "PlanAborted",
                          c.parentId(),
                          c.planId(),
                          c.capabilityId(),
                          c.caller(),
                          c.timeNanos()),
                      new Entry.Columns(
                          c.actionId(),
                          c.type(),
                          "p",
                          c.planId(),
                          c.capabilityId(),
                          c.caller(),
                          c.timeNanos()),
                      new Entry.Columns(
                          c.actionId(),
                          c.type(),
                          c.parentId(),
                          "other-plan",
                          c.capabilityId(),
                          c.caller(),
                          c.timeNanos()),
                      new Entry.Columns(
                          c.actionId(),
                          c.type(),
                          c.parentId(),
                          c.planId(),
                          "cap.é",
                          c.caller(),
                          c.timeNanos()),
                      new Entry.Columns(
                          c.actionId(),
                          c.type(),
                          c.parentId(),
                          c.planId(),
                          c.capabilityId(),
                          "ç",
                          c.timeNanos()),
                      new Entry.Columns(
                          c.actionId(),
                          c.type(),
                          c.parentId(),
                          c.planId(),
                          c.capabilityId(),
                          c.caller(),
                          c.timeNanos() + 1))) {
                assertThat(Canonical.headerMatches(body, other))
                    .as("%s vs %s", name, other)
                    .isFalse();
                assertThat(other.difference(Entry.Columns.of(Canonical.header(body)))).isNotNull();
              }
            });
    Event unicode = Samples.golden().get("plan-started").withCapability("snø.ø", null);
    assertThat(Canonical.headerMatches(Canonical.encode(unicode), Entry.Columns.of(unicode)))
        .isTrue();
    assertThat(Canonical.headerMatches(new byte[] {1, 6}, Entry.Columns.of(unicode))).isFalse();
  }

  @Test
  void mapKeyOrderDoesNotChangeTheBytes() {
    Value a = Reader.readValue("{:b 2 :a 1 \"c\" [1 {:y 1 :x 2}] 3 nil}");
    Value b = Reader.readValue("{3 nil \"c\" [1 {:x 2 :y 1}] :a 1 :b 2}");
    assertThat(Canonical.encode(a)).isEqualTo(Canonical.encode(b));
    assertThat(Canonical.encode(Value.of(1))).isNotEqualTo(Canonical.encode(Value.of(1.0)));
    assertThat(Canonical.encode(Reader.readValue("[1 2]")))
        .isNotEqualTo(Canonical.encode(Reader.readValue("(1 2)")));
    assertThat(Canonical.encode(Value.keyword("a"))).isNotEqualTo(Canonical.encode(Value.of("a")));
    assertThat(Canonical.encode(Value.of(Double.NaN)))
        .isEqualTo(Canonical.encode(Value.of(Double.longBitsToDouble(0x7ff0000000000123L))));
  }

  @Test
  void absentAndNilAreDifferent() {
    Event absent = Samples.golden().get("plan-started");
    Event nil = absent.withArguments(Value.NIL);
    assertThat(Canonical.encode(absent)).isNotEqualTo(Canonical.encode(nil));
    assertThat(Canonical.decode(Canonical.encode(nil)).arguments()).isEqualTo(Value.NIL);
    assertThat(Canonical.decode(Canonical.encode(absent)).arguments()).isNull();
  }

  @Test
  void malformedBytesAreTypedErrorsWithAnOffset() {
    byte[] good = Canonical.encode(Samples.golden().get("call"));
    assertThatThrownBy(() -> Canonical.decode(new byte[0]))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> Canonical.decode(new byte[] {9}))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("unknown entry format version 9");
    // every truncation is refused, none crashes
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThatThrownBy(() -> Canonical.decode(cut))
          .as("cut at %d", n)
          .isInstanceOf(ChainFormatException.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> Canonical.decode(longer))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("1 unexpected bytes after the entry");
    byte[] head = Canonical.encode(Samples.golden().get("plan-started"));
    byte[] hugeVector = {Canonical.VECTOR, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> Canonical.decode(withPayload(head, hugeVector)))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("count 2147483647 exceeds the bytes left");
    byte[] unknownTag = {0x42};
    assertThatThrownBy(() -> Canonical.decode(withPayload(head, unknownTag)))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("unknown value tag 0x42");
    byte[] nilKey = {Canonical.MAP, 0, 0, 0, 1, Canonical.NIL, Canonical.TRUE};
    assertThatThrownBy(() -> Canonical.decode(withPayload(head, nilKey)))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("a map key must be a keyword, string or integer, not nil");
    byte[] dupKeys = {
      Canonical.MAP,
      0,
      0,
      0,
      2,
      Canonical.KEYWORD,
      0,
      0,
      0,
      1,
      'a',
      Canonical.TRUE,
      Canonical.KEYWORD,
      0,
      0,
      0,
      1,
      'a',
      Canonical.FALSE
    };
    assertThatThrownBy(() -> Canonical.decode(withPayload(head, dupKeys)))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("duplicate map key :a");
    SplittableRandom r = new SplittableRandom(5);
    System.out.println("CanonicalTest corruption seed 5");
    for (int i = 0;
        i < 2_000;
        i++) { // random byte changes decode to something or fail typed, never otherwise
      byte[] bad = good.clone();
      bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
      try {
        Canonical.decode(bad);
      } catch (ChainFormatException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    byte[] deep = new byte[5 * 10_000 + 1];
    for (int i = 0; i < 10_000; i++) {
      deep[5 * i] = Canonical.VECTOR;
      deep[5 * i + 4] = 1;
    }
    deep[deep.length - 1] = Canonical.NIL;
    byte[] head = Canonical.encode(Samples.golden().get("plan-started"));
    assertThatThrownBy(() -> Canonical.decode(withPayload(head, deep)))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("nested deeper than 512");
  }

  /**
   * The header of {@code event} followed by {@code args} as arguments, absent result and empty
   * metadata.
   */
  private static byte[] withPayload(byte[] event, byte[] args) {
    byte[] emptyMeta = Canonical.encode(Dict.EMPTY);
    int header =
        event.length - 2 - emptyMeta.length; // args absent (1) + result absent (1) + metadata
    byte[] out = new byte[header + args.length + 1 + emptyMeta.length];
    System.arraycopy(event, 0, out, 0, header);
    System.arraycopy(args, 0, out, header, args.length);
    out[header + args.length] = Canonical.ABSENT;
    System.arraycopy(emptyMeta, 0, out, header + args.length + 1, emptyMeta.length);
    return out;
  }
}
