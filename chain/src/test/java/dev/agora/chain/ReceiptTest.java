package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed receipts (issue 14): made, written, read and checked, and every way one is refused. */
class ReceiptTest {

  private final ChainKey key = ChainKey.generate("node-a");
  private final ChainKey other = ChainKey.generate("node-b");
  private final List<String> warnings = new ArrayList<>();

  @TempDir Path dir;

  private Ledger ledger(Ledger.Durability d) {
    return new Ledger(
        new MemoryChainStore(),
        key,
        new Ledger.Settings(d, Recording.DEFAULT, 0, 64),
        warnings::add);
  }

  private static Event result(String id) {
    return Event.of(id, EventType.CapabilityResult, Samples.T0, "call-" + id, "plan", "alice")
        .withCapability("shop.order", "1.0.0")
        .withResult(Value.of(42), Duration.ofMillis(3), 0.0);
  }

  private static final Value ARGS =
      Dict.of(Value.keyword("item"), Value.of("book"), Value.keyword("token"), Value.of("s3cret"));

  /** Records a call's outcome in {@code ledger} and issues its receipt. */
  private Receipt call(Ledger ledger, Receipt.Mode mode, String id) {
    ledger.accept(Samples.random(new java.util.SplittableRandom(id.hashCode()), 0));
    ReceiptIssuer issuer = new ReceiptIssuer(mode, key, ledger.origin());
    Event outcome = issuer.bind(result(id), ARGS, Value.of(42), "sha256:def");
    return issuer.issue(outcome, ledger.acceptPlaced(outcome), "call-" + id);
  }

  @Test
  void anImmediateReceiptIsSignedNamesItsEntryAndReadsBackAsItself() {
    Ledger ledger = ledger(Ledger.Durability.DURABLE);
    Receipt r = call(ledger, Receipt.Mode.IMMEDIATE, "r1");
    assertThat(r.index()).isEqualTo(1);
    assertThat(r.leaf()).isEqualTo(ledger.store().leafHashes(1, 2).getFirst());
    assertThat(r.signature()).isNotNull();
    assertThat(r.proof()).isNull();
    assertThat(r.arguments()).isEqualTo(Receipt.digest(ARGS)).hasSize(64);
    assertThat(r.json()).doesNotContain("s3cret").doesNotContain("book").endsWith("}\n");
    assertThat(r.json()).startsWith("{\"action\":\"r1\",\"arguments\":");
    Receipt back = Receipt.parse(r.json());
    assertThat(back).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(back.toString()).isEqualTo(r.json());
    assertThat(back.verify(key.verifier()).valid()).isTrue();
    assertThat(back.definition()).isEqualTo("sha256:def");
  }

  @Test
  void everyChangedByteOfASignedReceiptIsRefused() {
    String json = call(ledger(Ledger.Durability.DURABLE), Receipt.Mode.IMMEDIATE, "r2").json();
    assertEveryByteMatters(json);
  }

  @Test
  void everyChangedByteOfAReceiptCompletedByAProofIsRefused() {
    Ledger ledger = ledger(Ledger.Durability.DURABLE);
    Receipt r = call(ledger, Receipt.Mode.BATCHED, "r3");
    Receipt done = r.withProof(new CausalChain(ledger, List.of()).prove("r3"));
    assertThat(done.verify(key.verifier()).valid()).isTrue();
    assertEveryByteMatters(done.json());
  }

  private void assertEveryByteMatters(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      byte[] changed = bytes.clone();
      changed[i] ^= 0x01;
      String text = new String(changed, StandardCharsets.UTF_8);
      boolean valid;
      try {
        valid = Receipt.parse(text).verify(key.verifier()).valid();
      } catch (ChainFormatException e) {
        valid = false;
      }
      assertThat(valid).as("byte %d changed from '%c'", i, (char) bytes[i]).isFalse();
    }
  }

  @Test
  void aForgedSignatureIsRefused() {
    Receipt r = call(ledger(Ledger.Durability.DURABLE), Receipt.Mode.IMMEDIATE, "r4");
    // someone with another key signs under the node's name and key id
    Receipt changed = copy(r, "result", Receipt.digest(Value.of(1000)));
    byte[] sig = other.sign(changed.signedBytes());
    byte[] blob = java.util.Arrays.copyOf(key.verifier().hash(), 4 + sig.length);
    System.arraycopy(sig, 0, blob, 4, sig.length);
    Receipt fake =
        copy(
            changed,
            "signature",
            key.name() + " " + java.util.Base64.getEncoder().encodeToString(blob));
    assertThat(fake.verify(key.verifier()).reason())
        .isEqualTo(
            "the signature does not match the receipt: a field was changed or it was forged");
  }

  @Test
  void aReceiptSignedByAnotherKeyIsRefusedNamingBoth() {
    Receipt r = call(ledger(Ledger.Durability.DURABLE), Receipt.Mode.IMMEDIATE, "r5");
    Receipt.Verdict v = r.verify(other.verifier());
    assertThat(v.valid()).isFalse();
    assertThat(v.reason())
        .contains("signed by key 'node-a' (" + key.verifier().hashHex() + ")")
        .contains("not by 'node-b'");
    // the same name with another key: the key id differs
    ChainKey sameName = ChainKey.generate("node-a");
    assertThat(r.verify(sameName.verifier()).reason()).contains("not by 'node-a'");
  }

  @Test
  void aBatchedReceiptIsNothingUntilCompletedByAProof() {
    Ledger ledger = ledger(Ledger.Durability.DURABLE);
    Receipt r = call(ledger, Receipt.Mode.BATCHED, "r6");
    assertThat(r.signature()).isNull();
    assertThat(r.verify(key.verifier()).reason())
        .startsWith("the receipt is neither signed nor completed by an inclusion proof")
        .contains("agora chain prove r6");
    InclusionProof p = new CausalChain(ledger, List.of()).prove("r6");
    assertThat(r.checkProof(p, key.verifier()).valid()).isTrue();
  }

  @Test
  void anAsyncReceiptHasNoIndexAndIsCompletedLater() throws IOException {
    Ledger ledger = ledger(Ledger.Durability.ASYNC);
    try {
      Receipt r = call(ledger, Receipt.Mode.IMMEDIATE, "r7");
      assertThat(r.index()).isEqualTo(-1);
      assertThat(r.json()).doesNotContain("\"index\"");
      assertThat(Receipt.parse(r.json()).verify(key.verifier()).valid()).isTrue();
      ledger.flush();
      CausalChain chain = new CausalChain(ledger, List.of());
      Receipt done = r.withProof(chain.prove("r7"));
      assertThat(Receipt.parse(done.json()).verify(key.verifier()).valid()).isTrue();
      Path export = dir.resolve("log.jsonl");
      ChainExport.write(chain, export);
      assertThat(r.checkExport(export, key.verifier()).valid()).isTrue();
    } finally {
      ledger.close();
    }
  }

  @Test
  void proofsThatDoNotMatchTheReceiptAreRefused() {
    Ledger ledger = ledger(Ledger.Durability.DURABLE);
    Receipt r = call(ledger, Receipt.Mode.BATCHED, "r8");
    call(ledger, Receipt.Mode.BATCHED, "r9");
    CausalChain chain = new CausalChain(ledger, List.of());
    VerifierKey k = key.verifier();
    InclusionProof mine = chain.prove("r8");

    assertThat(r.checkProof(chain.prove("r9"), k).reason())
        .isEqualTo("the proof is of another entry than the receipt's (leaf hash differs)");

    Checkpoint c = mine.checkpoint();
    InclusionProof foreign =
        new InclusionProof(
            mine.body(),
            mine.index(),
            mine.path(),
            Checkpoint.sign(c.origin(), c.size(), c.root(), other));
    assertThat(r.checkProof(foreign, k).reason())
        .isEqualTo("the proof's checkpoint is not signed by 'node-a'");

    InclusionProof otherLog =
        new InclusionProof(
            mine.body(),
            mine.index(),
            mine.path(),
            Checkpoint.sign("elsewhere/1", c.size(), c.root(), key));
    assertThat(r.checkProof(otherLog, k).reason())
        .isEqualTo("the proof is of the log elsewhere/1, the receipt of " + ledger.origin());

    InclusionProof moved = new InclusionProof(mine.body(), 0, mine.path(), c);
    assertThat(r.checkProof(moved, k).reason())
        .isEqualTo("the proof places the entry at index 0, the receipt at 1");

    List<byte[]> path = new ArrayList<>(mine.path());
    path.set(0, new byte[32]);
    InclusionProof broken = new InclusionProof(mine.body(), mine.index(), path, c);
    assertThat(r.checkProof(broken, k).reason())
        .startsWith("the inclusion proof does not hold against its checkpoint of 4 entries");

    Receipt renamed = copy(r, "action", "someone-else");
    assertThat(renamed.checkProof(mine, k).reason())
        .isEqualTo(
            "the proven entry (action r8) does not say what the receipt says: a field of the"
                + " receipt was changed");
    for (Receipt changed :
        List.of(
            copy(r, "call", "x"),
            copy(r, "capability", "x"),
            copy(r, "version", "9"),
            copy(r, "issued", "2030-01-01T00:00:00Z"),
            copy(r, "arguments", "00"),
            copy(r, "result", "00"),
            copy(r, "definition", "sha256:other"))) {
      assertThat(changed.checkProof(mine, k).reason())
          .contains("a field of the receipt was changed");
    }
    assertThat(r.checkProof(mine, k).valid()).isTrue();
  }

  /** {@code r} with one field changed (its JSON edited and read back). */
  private static Receipt copy(Receipt r, String field, Object value) {
    tools.jackson.databind.node.ObjectNode n =
        (tools.jackson.databind.node.ObjectNode)
            tools.jackson.databind.json.JsonMapper.builder().build().readTree(r.json());
    if (value instanceof Long l) {
      n.put(field, l);
    } else {
      n.put(field, (String) value);
    }
    java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
    n.propertyNames().forEach(f -> sorted.put(f, n.get(f)));
    return Receipt.parse(
        tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(sorted) + "\n");
  }

  @Test
  void anExportMustVerifyBeOfTheLogAndHoldTheEntryWhereTheReceiptSays() throws IOException {
    Ledger ledger = ledger(Ledger.Durability.DURABLE);
    Receipt r = call(ledger, Receipt.Mode.IMMEDIATE, "r10");
    CausalChain chain = new CausalChain(ledger, List.of());
    Path export = dir.resolve("log.jsonl");
    ChainExport.write(chain, export);
    VerifierKey k = key.verifier();
    assertThat(r.checkExport(export, k).valid()).isTrue();

    ReceiptIssuer issuer = new ReceiptIssuer(Receipt.Mode.IMMEDIATE, key, ledger.origin());
    Receipt absent =
        issuer.issue(issuer.bind(result("never"), ARGS, Value.of(1), null), null, "call-never");
    assertThat(absent.checkExport(export, k).reason())
        .isEqualTo("the receipt's entry is not in the exported log of 2 entries");

    Receipt moved = copy(r, "index", 0L);
    assertThat(moved.checkExport(export, k).reason())
        .isEqualTo("the exported log has the entry at index 1, the receipt says 0");

    ReceiptIssuer far = new ReceiptIssuer(Receipt.Mode.IMMEDIATE, key, "elsewhere/1");
    Receipt elsewhere = far.issue(far.bind(result("x"), ARGS, Value.NIL, null), null, "c");
    assertThat(elsewhere.checkExport(export, k).reason())
        .isEqualTo("the export is of the log " + ledger.origin() + ", the receipt of elsewhere/1");

    assertThat(r.checkExport(export, other.verifier()).reason())
        .startsWith("the exported log does not verify: entry 0: the export's checkpoint is not");
  }

  @Test
  void aFileThatIsNotAReceiptSaysWhy() {
    String good = call(ledger(Ledger.Durability.DURABLE), Receipt.Mode.IMMEDIATE, "r11").json();
    assertRefused("{", "not a receipt: not JSON");
    assertRefused("[1]", "not a receipt: a receipt is a JSON object");
    assertRefused("", "not a receipt: a receipt is a JSON object");
    assertRefused("{\"format\":\"x\"}", "its format is not agora-receipt/1");
    assertRefused(good.replace("{\"action\"", "{\"extra\":1,\"action\""), "unknown field 'extra'");
    assertRefused(good.replace("\"action\":\"r11\"", "\"action\":7"), "'action' is missing");
    assertRefused(good.replace("\"action\":\"r11\",", ""), "'action' is missing");
    assertRefused(good.replace("\"index\":1", "\"index\":\"1\""), "'index' is not a whole number");
    assertRefused(good.replace("\"index\":1", "\"index\":1.5"), "'index' is not a whole number");
    assertRefused(good.replace("\"index\":1", "\"index\":-2"), "an index ≥ -1");
    assertRefused(good.replaceAll("\"issued\":\"[^\"]*\"", "\"issued\":\"x\""), "'issued'");
    assertRefused(good.replaceAll("\"leaf\":\"[^\"]*\"", "\"leaf\":\"zz\""), "'leaf' is not hex");
    assertRefused(good.replaceAll("\"leaf\":\"[^\"]*\"", "\"leaf\":\"00\""), "32-byte leaf");
    assertRefused(
        good.replaceAll("\"signature\":\"[^\"]*\"", "\"signature\":\"a b c\""), "'signature'");
    assertRefused(
        good.replaceAll("\"signature\":\"[^\"]*\"", "\"signature\":\"a !!\""), "'signature'");
    assertRefused(good.replace(",", ", "), "not in canonical form");
    assertRefused(good.strip(), "not in canonical form");
  }

  private static void assertRefused(String text, String why) {
    assertThatThrownBy(() -> Receipt.parse(text))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining(why);
  }

  @Test
  void anIssuerThatIsOffMakesNoneAndOneWithoutALogDigestsTheEventAsGiven() {
    Event plain = result("r12");
    ReceiptIssuer off = new ReceiptIssuer(Receipt.Mode.OFF, key, "l");
    assertThat(off.bind(plain, ARGS, null, null)).isSameAs(plain);
    assertThat(off.issue(plain, null, "c")).isNull();
    ReceiptIssuer batched = new ReceiptIssuer(Receipt.Mode.BATCHED, key, "l");
    assertThat(batched.mode()).isEqualTo(Receipt.Mode.BATCHED);
    assertThat(batched.verifier()).isEqualTo(key.verifier());
    Event e = batched.bind(plain, ARGS, null, null);
    assertThat(e.metadata().get(Receipt.BINDING))
        .isEqualTo(Receipt.binding(Receipt.digest(ARGS), Receipt.digest(Value.NIL), null));
    Receipt r = batched.issue(e, null, "c");
    assertThat(r.index()).isEqualTo(-1);
    assertThat(r.leaf()).isEqualTo(Hashes.leaf(Canonical.encode(e)));
    assertThat(r.result()).isEqualTo(Receipt.digest(Value.NIL));
    assertThat(r.json()).doesNotContain("\"definition\"");
  }

  @Test
  void sinksSayWhereTheyPutAnEvent() {
    List<Event> seen = new ArrayList<>();
    EventSink plain = seen::add;
    assertThat(plain.acceptPlaced(result("a"))).isNull();
    Ledger ledger = ledger(Ledger.Durability.DURABLE);
    EventSink.Placed p = EventSink.both(ledger, plain).acceptPlaced(result("b"));
    assertThat(p.index()).isZero();
    assertThat(seen).extracting(Event::id).containsExactly("a", "b");
    ledger.close();
    assertThatThrownBy(() -> ledger.acceptPlaced(result("c")))
        .isInstanceOf(Ledger.WriteFailed.class)
        .hasMessageContaining("closed");
  }
}
