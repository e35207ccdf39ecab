package dev.agora.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainKey;
import dev.agora.chain.Ledger;
import dev.agora.chain.MemoryChainStore;
import dev.agora.chain.Recording;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.core.telemetry.TelemetrySettings;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The spans of the call path (issue 17), seen by the SDK's in-memory exporter. */
@Timeout(60)
class TracingTest {

  private static final AttributeKey<String> CAPABILITY = AttributeKey.stringKey("agora.capability");
  private static final AttributeKey<String> VERSION =
      AttributeKey.stringKey("agora.capability.version");
  private static final AttributeKey<String> CALLER = AttributeKey.stringKey("agora.caller");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("agora.outcome");
  private static final AttributeKey<String> ACTION = AttributeKey.stringKey("agora.action_id");

  private static final String REMOTE_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String REMOTE_SPAN = "00f067aa0ba902b7";

  private final MemorySink sink = new MemorySink(10_000);
  private final SecurityContext tester = SecurityContext.full("tester");
  private InMemorySpanExporter exporter;
  private Telemetry telemetry;
  private Marketplace m;

  @BeforeEach
  void setUp() {
    open(sink, true);
  }

  /** A marketplace writing to {@code s}, traced into a fresh in-memory exporter or not at all. */
  private void open(EventSink s, boolean traced) {
    exporter = InMemorySpanExporter.create();
    telemetry = traced ? Telemetry.exporting(TelemetrySettings.OFF.on(), exporter) : Telemetry.OFF;
    m = marketplace(s, telemetry);
  }

  private static Marketplace marketplace(EventSink s, Telemetry t) {
    Marketplace mp =
        Marketplace.builder()
            .sink(s)
            .clock(new TestClock("2026-06-03T12:00:00Z"))
            .log(l -> {})
            .telemetry(t)
            .build();
    register(mp, "t.add", ":int", true, (in, c) -> Value.of(((Value.Int) in).value() + 1));
    register(mp, "t.liar", ":int", true, (in, c) -> Value.of("not an int"));
    register(
        mp,
        "t.broken",
        ":any",
        true,
        (in, c) -> {
          throw new IllegalStateException("the upstream said no");
        });
    return mp;
  }

  private static void register(
      Marketplace mp, String id, String out, boolean inline, LocalFunction fn) {
    mp.registerLocal(
        CapabilityManifest.builder(id).input(":any").output(out).effects("pure").build(),
        fn,
        inline,
        "test");
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private Value call(String id, String input) {
    return m.call(CallRequest.of(id, Reader.readValue(input), tester));
  }

  private List<SpanData> spans() {
    telemetry.flush();
    return exporter.getFinishedSpanItems();
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private static List<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).toList();
  }

  /** The call's span, and every other span a child of it in the same trace. */
  private static SpanData callSpan(List<SpanData> spans, String id) {
    SpanData root = named(spans, "agora.call " + id);
    for (SpanData s : spans) {
      assertThat(s.getTraceId()).isEqualTo(root.getTraceId());
      if (s != root) {
        assertThat(s.getParentSpanId()).as(s.getName()).isEqualTo(root.getSpanId());
        assertThat(s.getAttributes().get(CAPABILITY)).isEqualTo(id);
        assertThat(s.getAttributes().get(CALLER)).isEqualTo("tester");
      }
    }
    return root;
  }

  private static void failed(SpanData s, String kind) {
    assertThat(s.getAttributes().get(OUTCOME)).as(s.getName()).isEqualTo(kind);
    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(s.getStatus().getDescription()).isEqualTo(kind); // the kind, never the message
  }

  private static void ok(SpanData s) {
    assertThat(s.getAttributes().get(OUTCOME)).as(s.getName()).isEqualTo("ok");
    assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void a_call_is_a_span_with_a_child_per_stage_and_its_trace_is_in_the_chain() {
    assertThat(call("t.add", "41")).isEqualTo(Value.of(42));
    List<SpanData> spans = spans();
    assertThat(names(spans))
        .containsExactlyInAnyOrder(
            "agora.call t.add",
            "agora.resolve",
            "agora.policy",
            "agora.validate.input",
            "agora.policy.arguments",
            "agora.execute",
            "agora.validate.output",
            "agora.record");
    SpanData root = callSpan(spans, "t.add");
    spans.forEach(TracingTest::ok);
    assertThat(root.getParentSpanContext().isValid()).isFalse(); // nothing was current: a new trace
    assertThat(root.getAttributes().get(CAPABILITY)).isEqualTo("t.add");
    assertThat(root.getAttributes().get(VERSION)).isEqualTo("1.0.0");
    assertThat(root.getAttributes().get(CALLER)).isEqualTo("tester");
    Event called = sink.events(EventType.CapabilityCall).getFirst();
    assertThat(root.getAttributes().get(ACTION)).isEqualTo(called.id());
    assertThat(called.metadata())
        .isEqualTo(
            Dict.of(
                Value.keyword("trace_id"),
                Value.of(root.getTraceId()),
                Value.keyword("span_id"),
                Value.of(root.getSpanId())));
    // the stages in the order they ran
    assertThat(
            spans.stream()
                .filter(s -> s != root)
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
                .map(SpanData::getName)
                .toList())
        .startsWith("agora.resolve", "agora.policy", "agora.validate.input")
        .endsWith("agora.validate.output", "agora.record");
  }

  @Test
  void a_denied_call_fails_its_policy_span_and_executes_nothing() {
    m.setPolicy(IsolationPolicy.allowAll().withDeny("t.*"));
    assertThatThrownBy(() -> call("t.add", "1")).isInstanceOf(AgoraError.AccessDenied.class);
    List<SpanData> spans = spans();
    assertThat(names(spans))
        .containsExactlyInAnyOrder(
            "agora.call t.add", "agora.resolve", "agora.policy", "agora.record");
    failed(callSpan(spans, "t.add"), "AccessDenied");
    failed(named(spans, "agora.policy"), "AccessDenied");
    ok(named(spans, "agora.resolve"));
    ok(named(spans, "agora.record")); // the denial was recorded
    assertThat(sink.events(EventType.PolicyDenied)).hasSize(1);
  }

  @Test
  void not_found_fails_the_resolve_span_and_the_call_has_no_version() {
    assertThatThrownBy(() -> call("t.nothing", "1")).isInstanceOf(AgoraError.NotFound.class);
    List<SpanData> spans = spans();
    assertThat(names(spans))
        .containsExactlyInAnyOrder("agora.call t.nothing", "agora.resolve", "agora.record");
    SpanData root = callSpan(spans, "t.nothing");
    failed(root, "NotFound");
    failed(named(spans, "agora.resolve"), "NotFound");
    assertThat(root.getAttributes().get(VERSION)).isNull();
    assertThat(root.getAttributes().get(ACTION))
        .isEqualTo(sink.events(EventType.CapabilityCall).getFirst().id());
  }

  @Test
  void invalid_input_fails_its_validation_span_and_no_argument_reaches_a_span() {
    m.registerLocal(
        CapabilityManifest.builder("t.strict").input(":int").output(":int").build(),
        (in, c) -> in,
        true,
        "test");
    assertThatThrownBy(() -> call("t.strict", "\"password=hunter2\""))
        .isInstanceOf(AgoraError.InvalidInput.class)
        .hasMessageContaining("hunter2"); // the message quotes the argument; the span must not
    List<SpanData> spans = spans();
    assertThat(names(spans))
        .containsExactlyInAnyOrder(
            "agora.call t.strict",
            "agora.resolve",
            "agora.policy",
            "agora.validate.input",
            "agora.record");
    failed(callSpan(spans, "t.strict"), "InvalidInput");
    failed(named(spans, "agora.validate.input"), "InvalidInput");
    assertThat(spans.toString()).doesNotContain("hunter2");
  }

  @Test
  void invalid_output_fails_the_output_validation_after_a_good_execution() {
    assertThatThrownBy(() -> call("t.liar", "1")).isInstanceOf(AgoraError.InvalidOutput.class);
    List<SpanData> spans = spans();
    failed(callSpan(spans, "t.liar"), "InvalidOutput");
    failed(named(spans, "agora.validate.output"), "InvalidOutput");
    ok(named(spans, "agora.execute"));
    ok(named(spans, "agora.record"));
  }

  @Test
  void a_provider_error_fails_the_execute_span_and_skips_output_validation() {
    assertThatThrownBy(() -> call("t.broken", "1")).isInstanceOf(AgoraError.ProviderError.class);
    List<SpanData> spans = spans();
    failed(callSpan(spans, "t.broken"), "ProviderError");
    failed(named(spans, "agora.execute"), "ProviderError");
    assertThat(names(spans)).doesNotContain("agora.validate.output");
    assertThat(spans.toString()).doesNotContain("the upstream said no");
  }

  @Test
  void an_error_that_is_no_agora_error_is_named_by_its_class() {
    register(
        m,
        "t.assert",
        ":any",
        true,
        (in, c) -> {
          throw new AssertionError("a broken invariant");
        });
    assertThatThrownBy(() -> call("t.assert", "1")).isInstanceOf(AssertionError.class);
    List<SpanData> spans = spans();
    failed(callSpan(spans, "t.assert"), "AssertionError");
    failed(named(spans, "agora.execute"), "AssertionError");
  }

  @Test
  void a_timeout_fails_the_execute_span_and_the_provider_thread_ran_in_the_call_trace()
      throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    AtomicReference<String> seen = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    register(
        m,
        "t.slow",
        ":any",
        false, // on a virtual thread of its own
        (in, c) -> {
          seen.set(telemetry.traceparent());
          started.countDown();
          never.await();
          return Value.NIL;
        });
    assertThatThrownBy(
            () ->
                m.call(
                    CallRequest.of("t.slow", Value.NIL, tester)
                        .withTimeout(Duration.ofMillis(200))))
        .isInstanceOf(AgoraError.Timeout.class);
    started.await();
    List<SpanData> spans = spans();
    failed(callSpan(spans, "t.slow"), "Timeout");
    SpanData execute = named(spans, "agora.execute");
    failed(execute, "Timeout");
    assertThat(seen.get())
        .isEqualTo(
            "00-"
                + execute.getTraceId()
                + "-"
                + execute.getSpanId()
                + "-"
                + execute.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void a_call_under_a_remote_traceparent_joins_that_trace() {
    try (Scope s = telemetry.join("00-" + REMOTE_TRACE + "-" + REMOTE_SPAN + "-01", "k=v")) {
      call("t.add", "1");
    }
    List<SpanData> spans = spans();
    SpanData root = callSpan(spans, "t.add");
    assertThat(root.getTraceId()).isEqualTo(REMOTE_TRACE);
    assertThat(root.getParentSpanId()).isEqualTo(REMOTE_SPAN);
    assertThat(root.getParentSpanContext().isRemote()).isTrue();
    assertThat(root.getSpanContext().getTraceState().get("k")).isEqualTo("v");
    assertThat(sink.events(EventType.CapabilityCall).getFirst().metadata().get("trace_id"))
        .isEqualTo(Value.of(REMOTE_TRACE));
  }

  @Test
  void a_remote_parent_that_was_not_sampled_records_no_span_and_no_trace_id() {
    try (Scope s = telemetry.join("00-" + REMOTE_TRACE + "-" + REMOTE_SPAN + "-00", null)) {
      call("t.add", "1");
    }
    assertThat(spans()).isEmpty();
    assertThat(sink.events(EventType.CapabilityCall).getFirst().metadata()).isEqualTo(Dict.EMPTY);
  }

  @Test
  void a_malformed_traceparent_starts_a_trace_of_its_own() {
    try (Scope s = telemetry.join("00-not-a-trace-01", null)) {
      call("t.add", "1");
    }
    assertThat(callSpan(spans(), "t.add").getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void a_nested_call_is_a_child_of_the_execute_span_of_its_caller() {
    register(
        m,
        "t.outer",
        ":any",
        true,
        (in, c) -> m.call(CallRequest.of("t.add", Value.of(1), tester)));
    call("t.outer", "nil");
    List<SpanData> spans = spans();
    SpanData outer = named(spans, "agora.call t.outer");
    SpanData execute =
        spans.stream()
            .filter(
                s ->
                    s.getName().equals("agora.execute")
                        && s.getParentSpanId().equals(outer.getSpanId()))
            .findFirst()
            .orElseThrow();
    assertThat(named(spans, "agora.call t.add").getParentSpanId()).isEqualTo(execute.getSpanId());
  }

  @Test
  void a_refusal_by_a_surface_is_a_failed_call_span() {
    AgoraError e =
        m.refuse(
            CallRequest.of("t.add", Value.NIL, tester),
            new AgoraError.InvalidInput("t.add", List.of()));
    assertThat(e).isInstanceOf(AgoraError.InvalidInput.class);
    List<SpanData> spans = spans();
    assertThat(names(spans)).containsExactlyInAnyOrder("agora.call t.add", "agora.record");
    failed(callSpan(spans, "t.add"), "InvalidInput");
  }

  @Test
  void a_call_whose_outcome_cannot_be_recorded_fails_its_record_span() {
    m.close();
    EventSink failing =
        new EventSink() {
          @Override
          public void accept(Event e) {
            if (e.type() == EventType.CapabilityResult) {
              throw new IllegalStateException("disk full");
            }
          }
        };
    open(failing, true);
    assertThatThrownBy(() -> call("t.add", "1")).isInstanceOf(AgoraError.NotRecorded.class);
    List<SpanData> spans = spans();
    failed(callSpan(spans, "t.add"), "NotRecorded");
    failed(named(spans, "agora.record"), "NotRecorded");
    ok(named(spans, "agora.execute"));
  }

  @Test
  void the_trace_ids_survive_the_causal_chain_encoding_and_verification() {
    m.close();
    ChainKey key = ChainKey.generate("tracing-test");
    Ledger ledger =
        new Ledger(
            new MemoryChainStore(),
            key,
            new Ledger.Settings(Ledger.Durability.DURABLE, Recording.DEFAULT, 0, 256),
            l -> {});
    open(ledger, true);
    call("t.add", "1");
    ledger.flush();
    SpanData root = callSpan(spans(), "t.add");
    CausalChain chain = new CausalChain(ledger, List.of(key.verifier()));
    assertThat(chain.verify().ok()).isTrue();
    Event stored = chain.get(root.getAttributes().get(ACTION)).orElseThrow().action();
    assertThat(stored.metadata().get("trace_id")).isEqualTo(Value.of(root.getTraceId()));
    assertThat(stored.metadata().get("span_id")).isEqualTo(Value.of(root.getSpanId()));
  }

  @Test
  void with_telemetry_off_there_is_no_span_no_header_and_no_trace_id() {
    m.close();
    open(sink, false);
    AtomicReference<Span> current = new AtomicReference<>();
    AtomicReference<String> header = new AtomicReference<>("unset");
    register(
        m,
        "t.look",
        ":any",
        false,
        (in, c) -> {
          current.set(Span.current());
          header.set(Telemetry.OFF.traceparent());
          return Value.NIL;
        });
    call("t.look", "nil");
    assertThat(current.get().getSpanContext().isValid()).isFalse();
    assertThat(header.get()).isNull();
    assertThat(sink.events(EventType.CapabilityCall).getFirst().metadata()).isEqualTo(Dict.EMPTY);
    assertThat(m.telemetry()).isSameAs(Telemetry.OFF);
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }
}
