package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainKey;
import dev.agora.chain.Entry;
import dev.agora.chain.Receipt;
import dev.agora.chain.ReceiptIssuer;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.Receipted;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ReceiptsSection;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Receipts of calls (issue 14): made when a surface asks, from where the result was recorded. */
class ReceiptsTest {

  private static final SecurityContext ME = SecurityContext.full("me");
  private static final Value ARGS =
      Dict.of(Value.keyword("n"), Value.of(2), Value.keyword("api_key"), Value.of("s3cret"));

  private static AgoraConfig config(Receipt.Mode mode) {
    return NodeTest.config(List.of()).with(ReceiptsSection.SECTION, mode);
  }

  private static AgoraNode node(Receipt.Mode mode) {
    AgoraNode node = AgoraNode.open(config(mode), dev.agora.chain.event.EventSink.NONE, l -> {});
    node.marketplace()
        .registerLocal(
            CapabilityManifest.builder("t.double")
                .input(":any")
                .output(":any")
                .effects("pure")
                .build(),
            (in, c) -> Value.of(((Value.Int) ((Dict) in).get("n")).value() * 2),
            true,
            "test");
    return node;
  }

  @Test
  void anImmediateReceiptIsSignedByTheNodeAndNamesTheRecordedResult() {
    try (AgoraNode node = node(Receipt.Mode.IMMEDIATE)) {
      Marketplace m = node.marketplace();
      assertThat(m.receiptMode()).isEqualTo(Receipt.Mode.IMMEDIATE);
      Receipted out = m.callWithReceipt(CallRequest.of("t.double", ARGS, ME));
      assertThat(out.result()).isEqualTo(Value.of(4));
      Receipt r = out.receipt();
      assertThat(r.verify(node.ledger().key().verifier()).valid()).isTrue();
      assertThat(r.json()).doesNotContain("s3cret");
      assertThat(r.arguments()).isEqualTo(Receipt.digest(ARGS));
      assertThat(r.result()).isEqualTo(Receipt.digest(Value.of(4)));
      assertThat(r.definition()).isEqualTo(m.registry().get("t.double").provenance().contentHash());
      Entry e = node.chain().get(r.action()).orElseThrow();
      assertThat(e.index()).isEqualTo(r.index());
      assertThat(e.leafHash()).isEqualTo(r.leaf());
      assertThat(e.columns().parentId()).isEqualTo(r.call());
      assertThat(node.chain().get(r.call()).orElseThrow().columns().type())
          .isEqualTo("CapabilityCall");
      Receipt done = node.complete(r);
      assertThat(Receipt.parse(done.json()).verify(node.ledger().key().verifier()).valid())
          .isTrue();
    }
  }

  @Test
  void aReceiptIsMadeAgainFromTheLogByTheCallOrItsOutcome() {
    try (AgoraNode node = node(Receipt.Mode.IMMEDIATE)) {
      Marketplace m = node.marketplace();
      Receipt first = m.callWithReceipt(CallRequest.of("t.double", ARGS, ME)).receipt();
      Object plain = m.call(CallRequest.of("t.double", ARGS, ME));
      assertThat(plain).isEqualTo(Value.of(4));
      for (String id : List.of(first.call(), first.action())) {
        Receipt again = node.receipt(id).orElseThrow();
        assertThat(again.signature()).as("unsigned: the proof makes it good").isNull();
        assertThat(Receipt.parse(again.json()).verify(node.ledger().key().verifier()).valid())
            .isTrue();
        assertThat(again.action()).isEqualTo(first.action());
        assertThat(again.call()).isEqualTo(first.call());
        assertThat(again.index()).isEqualTo(first.index());
        assertThat(again.arguments()).isEqualTo(first.arguments());
        assertThat(again.result()).isEqualTo(first.result());
        assertThat(again.issued()).isEqualTo(first.issued());
      }
      assertThat(node.receipt("no-such-action")).isEmpty();
      // the plain call recorded no digests; nor is a plan step or checkpoint a call
      String plainCall =
          node.chain().query(dev.agora.chain.ChainQuery.ALL.withType("CapabilityCall")).stream()
              .map(e -> e.action().id())
              .filter(id -> !id.equals(first.call()))
              .findFirst()
              .orElseThrow();
      assertThat(node.receipt(plainCall)).isEmpty();
      assertThat(node.receipt(node.chain().children(plainCall).getFirst().action().id())).isEmpty();
    }
  }

  @Test
  void aBatchedReceiptIsGoodOnceCompletedByAProof() {
    try (AgoraNode node = node(Receipt.Mode.BATCHED)) {
      Receipt r =
          node.marketplace().callWithReceipt(CallRequest.of("t.double", ARGS, ME)).receipt();
      assertThat(r.signature()).isNull();
      assertThat(r.verify(node.ledger().key().verifier()).valid()).isFalse();
      Receipt done = node.complete(r);
      assertThat(done.verify(node.ledger().key().verifier()).valid()).isTrue();
    }
  }

  @Test
  void aPlainCallMakesNoReceiptAndRecordsNoDigests() {
    try (AgoraNode node = node(Receipt.Mode.IMMEDIATE)) {
      assertThat(node.marketplace().call(CallRequest.of("t.double", ARGS, ME)))
          .isEqualTo(Value.of(4));
      assertThat(node.chain().query(dev.agora.chain.ChainQuery.ALL))
          .extracting(e -> e.action().metadata().get(Receipt.BINDING))
          .containsOnlyNulls();
    }
  }

  @Test
  void withReceiptsOffOrNoIssuerThereIsNoReceipt() {
    try (AgoraNode node = node(Receipt.Mode.OFF)) {
      Receipted out = node.marketplace().callWithReceipt(CallRequest.of("t.double", ARGS, ME));
      assertThat(out.result()).isEqualTo(Value.of(4));
      assertThat(out.receipt()).isNull();
    }
    try (Marketplace m = Marketplace.builder().log(l -> {}).build()) {
      assertThat(m.receiptMode()).isEqualTo(Receipt.Mode.OFF);
      m.bootstrap();
      assertThat(
              m.callWithReceipt(
                      CallRequest.of(
                          "ccos.math.add", dev.agora.rtfs.Vec.of(Value.of(1), Value.of(2)), ME))
                  .receipt())
          .isNull();
    }
  }

  @Test
  void aSinkThatKeepsNoLogGivesAReceiptWithoutIndex() {
    ChainKey key = ChainKey.generate("k");
    MemorySink sink = new MemorySink(100);
    try (Marketplace m =
        Marketplace.builder()
            .sink(sink)
            .receipts(new ReceiptIssuer(Receipt.Mode.IMMEDIATE, key, "test/1"))
            .log(l -> {})
            .build()) {
      m.bootstrap();
      Receipt r =
          m.callWithReceipt(
                  CallRequest.of(
                      "ccos.math.add", dev.agora.rtfs.Vec.of(Value.of(1), Value.of(2)), ME))
              .receipt();
      assertThat(r.index()).isEqualTo(-1);
      assertThat(r.verify(key.verifier()).valid()).isTrue();
      assertThat(r.definition()).isNotNull();
    }
  }

  @Test
  void aPlanReadsTheReceiptOfItsLatestCall() {
    String plan = "[(last-receipt) (call :t.double {:n 2}) (:action (last-receipt))]";
    try (AgoraNode node = node(Receipt.Mode.BATCHED)) {
      PlanRunner.Outcome o =
          node.marketplace().runPlan(plan, "p", ME, dev.agora.rtfs.Limits.DEFAULT, System.out);
      assertThat(o.ok()).isTrue();
      dev.agora.rtfs.Vec v = (dev.agora.rtfs.Vec) o.value();
      assertThat(v.get(0)).isEqualTo(Value.NIL);
      assertThat(v.get(1)).isEqualTo(Value.of(4));
      String action = ((Value.Str) v.get(2)).value();
      assertThat(node.chain().get(action).orElseThrow().columns().capabilityId())
          .isEqualTo("t.double");
    }
    try (AgoraNode node = node(Receipt.Mode.OFF)) {
      PlanRunner.Outcome o =
          node.marketplace().runPlan(plan, "p", ME, dev.agora.rtfs.Limits.DEFAULT, System.out);
      assertThat(((dev.agora.rtfs.Vec) o.value()).get(2)).isEqualTo(Value.NIL);
    }
  }

  @Test
  void aFailedCallHasNoReceipt() {
    try (AgoraNode node = node(Receipt.Mode.IMMEDIATE)) {
      assertThatThrownBy(
              () -> node.marketplace().callWithReceipt(CallRequest.of("t.none", ARGS, ME)))
          .isInstanceOf(AgoraError.class);
    }
  }
}
