package dev.agora.core.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** W3C propagation in and out, and the OTLP export (issue 17). */
@Timeout(60)
class TelemetryTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE + "-" + SPAN + "-01";

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final Telemetry on = Telemetry.exporting(TelemetrySettings.OFF.on(), exporter);

  @AfterEach
  void tearDown() {
    on.close();
  }

  private static SpanContext of(Context c) {
    return Span.fromContext(c).getSpanContext();
  }

  private static Map<String, String> headers(Telemetry t) {
    Map<String, String> out = new LinkedHashMap<>();
    t.inject(out::put);
    return out;
  }

  @Test
  void an_incoming_traceparent_and_tracestate_become_a_remote_parent() {
    SpanContext parent = of(on.extract(TRACEPARENT, "vendor=abc,other=1"));
    assertThat(parent.isValid()).isTrue();
    assertThat(parent.isRemote()).isTrue();
    assertThat(parent.getTraceId()).isEqualTo(TRACE);
    assertThat(parent.getSpanId()).isEqualTo(SPAN);
    assertThat(parent.isSampled()).isTrue();
    assertThat(parent.getTraceState().get("vendor")).isEqualTo("abc");
    assertThat(of(on.extract(TRACEPARENT, null)).getTraceState().isEmpty()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "garbage",
        "00-not-a-trace-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero span id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is forbidden
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", // upper case
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", // version 00 is exact
        "00-4bf92f3577b34da6a3ce929d0e0e473ß-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
        "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
        "\u0000\n\r\t"
      })
  void a_malformed_traceparent_is_ignored(String traceparent) {
    assertThat(of(on.extract(traceparent, "k=v")).isValid()).isFalse();
    try (Scope s = on.join(traceparent, null)) {
      assertThat(Span.current().getSpanContext().isValid()).isFalse();
      assertThat(on.traceparent()).isNull();
    }
  }

  @Test
  void an_absent_or_enormous_traceparent_is_ignored_and_a_bad_tracestate_dropped() {
    assertThat(of(on.extract(null, "k=v")).isValid()).isFalse();
    assertThat(of(on.extract("00-" + "a".repeat(1_000_000), null)).isValid()).isFalse();
    SpanContext parent = of(on.extract(TRACEPARENT, "=,,not a state\u0000" + "x".repeat(10_000)));
    assertThat(parent.isValid()).isTrue(); // the parent is kept, its unreadable state is not
    assertThat(parent.getTraceState().isEmpty()).isTrue();
  }

  @Test
  void a_future_version_with_more_fields_is_read_as_far_as_it_is_understood() {
    assertThat(
            of(on.extract("cc-" + TRACE + "-" + SPAN + "-01-what-comes-next", null)).getTraceId())
        .isEqualTo(TRACE);
  }

  @Test
  void inject_gives_the_current_span_and_nothing_without_one() {
    assertThat(headers(on)).isEmpty();
    assertThat(on.traceparent()).isNull();
    Span span = on.tracer().spanBuilder("upstream").startSpan();
    try (Scope s = span.makeCurrent()) {
      String expected =
          "00-"
              + span.getSpanContext().getTraceId()
              + "-"
              + span.getSpanContext().getSpanId()
              + "-"
              + span.getSpanContext().getTraceFlags().asHex();
      assertThat(on.traceparent()).isEqualTo(expected);
      assertThat(headers(on)).containsExactly(Map.entry("traceparent", expected));
    } finally {
      span.end();
    }
  }

  @Test
  void a_joined_trace_is_passed_on_with_its_state() {
    try (Scope s = on.join(TRACEPARENT, "vendor=abc")) {
      assertThat(on.traceparent()).isEqualTo(TRACEPARENT);
      assertThat(headers(on))
          .containsExactly(
              Map.entry("traceparent", TRACEPARENT), Map.entry("tracestate", "vendor=abc"));
    }
    assertThat(headers(on)).isEmpty(); // the scope is closed: nothing current any more
  }

  @Test
  void off_extracts_nothing_injects_nothing_and_closes_as_nothing() {
    Telemetry off = Telemetry.of(TelemetrySettings.OFF);
    assertThat(off).isSameAs(Telemetry.OFF);
    assertThat(off.on()).isFalse();
    assertThat(of(off.extract(TRACEPARENT, "k=v")).isValid()).isFalse();
    try (Scope s = off.join(TRACEPARENT, null)) {
      assertThat(Span.current().getSpanContext().isValid()).isFalse();
    }
    Span span = on.tracer().spanBuilder("someone else's").startSpan();
    try (Scope s = span.makeCurrent()) {
      assertThat(headers(off)).isEmpty(); // even under a span of someone else's
      assertThat(off.traceparent()).isNull();
    } finally {
      span.end();
    }
    assertThat(off.tracer().spanBuilder("x").startSpan().getSpanContext().isValid()).isFalse();
    off.flush();
    off.close();
    assertThat(Telemetry.OFF.on()).isFalse();
  }

  @Test
  void the_header_reader_lists_its_headers() {
    assertThat(Telemetry.HEADERS.keys(Map.of("traceparent", TRACEPARENT)))
        .containsExactly("traceparent");
  }

  @Test
  void spans_go_to_an_otlp_http_endpoint_as_protobuf() throws Exception {
    BlockingQueue<List<String>> received = new ArrayBlockingQueue<>(10);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              List.of(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
                  new String(body, StandardCharsets.ISO_8859_1)));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    try {
      URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
      Telemetry otlp = Telemetry.of(new TelemetrySettings(true, endpoint, "agora-otlp-test", 1.0));
      try (otlp) {
        assertThat(otlp.on()).isTrue();
        otlp.tracer().spanBuilder("agora.call otlp.probe").startSpan().end();
        otlp.flush();
      }
      List<String> request = received.poll(30, TimeUnit.SECONDS);
      assertThat(request).isNotNull();
      assertThat(request.subList(0, 3))
          .containsExactly("POST", "/v1/traces", "application/x-protobuf");
      assertThat(request.get(3)).contains("agora.call otlp.probe").contains("agora-otlp-test");
    } finally {
      server.stop(0);
    }
  }
}
