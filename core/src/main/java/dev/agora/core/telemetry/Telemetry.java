package dev.agora.core.telemetry;

import com.google.errorprone.annotations.MustBeClosed;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * OpenTelemetry tracing of the call path (issue 17; docs/TELEMETRY.md): {@link #OFF}, which costs a
 * call nothing (the call path is composed as if there were no tracing), or on — an SDK tracer
 * provider batching spans to an exporter (OTLP/HTTP, or whatever a test gives).
 *
 * <p>Surfaces and providers carry traces across processes in W3C Trace Context headers: a server
 * runs a request under {@link #join} of its {@code traceparent}, and a provider adds {@link
 * #inject} headers to its upstream request. Both do nothing when tracing is off.
 */
public final class Telemetry implements AutoCloseable {

  /** No tracing: no spans, no headers, no trace ids in the Causal Chain. */
  public static final Telemetry OFF = new Telemetry(null);

  /** The W3C header names. */
  public static final String TRACEPARENT = "traceparent";

  public static final String TRACESTATE = "tracestate";

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final long WAIT_SECONDS = 5;

  private final SdkTracerProvider provider;
  private final Tracer tracer;

  private Telemetry(SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer =
        provider == null ? TracerProvider.noop().get("dev.agora") : provider.get("dev.agora");
  }

  /** What {@code settings} ask for: {@link #OFF}, or spans exported over OTLP/HTTP. */
  public static Telemetry of(TelemetrySettings settings) {
    if (!settings.traces()) {
      return OFF;
    }
    return exporting(
        settings,
        OtlpHttpSpanExporter.builder().setEndpoint(settings.endpoint().toString()).build());
  }

  /**
   * Tracing on, whatever {@code settings.traces()} says, with spans batched to {@code exporter} (a
   * test's in-memory exporter); the service name and sample ratio are the settings'.
   */
  public static Telemetry exporting(TelemetrySettings settings, SpanExporter exporter) {
    return new Telemetry(
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(Resource.create(Attributes.of(SERVICE_NAME, settings.serviceName()))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())))
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build());
  }

  /** Whether calls are traced. */
  public boolean on() {
    return provider != null;
  }

  /** The tracer the call path makes its spans with (a no-op one when off). */
  public Tracer tracer() {
    return tracer;
  }

  /**
   * The context of an incoming request's W3C headers: its remote parent, for the calls it makes to
   * join that trace. A missing or malformed {@code traceparent} is ignored — the calls start a
   * trace of their own — and so is everything when tracing is off.
   *
   * @param tracestate the {@code tracestate} header, or null
   */
  public Context extract(String traceparent, String tracestate) {
    if (provider == null || traceparent == null) {
      return Context.root();
    }
    Map<String, String> headers =
        tracestate == null
            ? Map.of(TRACEPARENT, traceparent)
            : Map.of(TRACEPARENT, traceparent, TRACESTATE, tracestate);
    return W3C.extract(Context.root(), headers, HEADERS);
  }

  /**
   * Makes {@link #extract} of these headers current on this thread until the scope is closed: the
   * calls made meanwhile are children of the remote parent.
   *
   * <pre>{@code
   * try (Scope s = telemetry.join(request.header("traceparent"), request.header("tracestate"))) {
   *   marketplace.call(...);
   * }
   * }</pre>
   */
  @MustBeClosed
  public Scope join(String traceparent, String tracestate) {
    return provider == null ? Scope.noop() : extract(traceparent, tracestate).makeCurrent();
  }

  /**
   * Gives the current span's W3C headers ({@code traceparent}, and {@code tracestate} when there is
   * one) to {@code header}, for an upstream request made inside a call: nothing when tracing is off
   * or no span is current.
   */
  public void inject(BiConsumer<String, String> header) {
    if (provider != null) {
      W3C.inject(Context.current(), header, BiConsumer::accept);
    }
  }

  /**
   * {@link #inject} for code that has no Telemetry at hand (a provider building an upstream
   * request): the current span's W3C headers, if a traced call is under way on this thread — none
   * when tracing is off, since then no span is ever current.
   */
  public static void propagate(BiConsumer<String, String> header) {
    W3C.inject(Context.current(), header, BiConsumer::accept);
  }

  /** The current span's {@code traceparent} header value, or null (see {@link #inject}). */
  public String traceparent() {
    String[] value = new String[1];
    inject(
        (name, v) -> {
          if (name.equals(TRACEPARENT)) {
            value[0] = v;
          }
        });
    return value[0];
  }

  /** Exports the spans ended so far, waiting up to 5 s; nothing when off. */
  public void flush() {
    if (provider != null) {
      provider.forceFlush().join(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /**
   * Exports what is left and stops, waiting up to 5 s (a collector that is down gets no longer);
   * {@link #OFF} stays as it is.
   */
  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** Reads the headers of {@link #extract}. */
  static final TextMapGetter<Map<String, String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier.get(key);
        }
      };
}
