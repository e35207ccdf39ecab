package dev.agora.core.call;

import dev.agora.chain.event.Event;
import dev.agora.core.error.AgoraError;
import dev.agora.core.telemetry.Telemetry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

/**
 * The spans of a traced call (issue 17, docs/TELEMETRY.md): {@code agora.call <id>} around the
 * whole call, current while it runs, and one child per stage — {@code agora.resolve}, {@code
 * agora.policy}, {@code agora.validate.input}, {@code agora.policy.arguments}, {@code
 * agora.execute} (limits, resilience and the provider: current, so a provider's upstream request
 * and a fallback's call are its children), {@code agora.validate.output}, {@code agora.record}.
 * When tracing is off the path is composed without them, its stages as they are. Spans carry the
 * capability, the caller and the outcome, never arguments, results or error messages.
 */
final class Traced {

  static final AttributeKey<String> CAPABILITY = AttributeKey.stringKey("agora.capability");
  static final AttributeKey<String> VERSION = AttributeKey.stringKey("agora.capability.version");
  static final AttributeKey<String> CALLER = AttributeKey.stringKey("agora.caller");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("agora.outcome");
  static final AttributeKey<String> ACTION = AttributeKey.stringKey("agora.action_id");

  /** The metadata keys of a traced call's {@code CapabilityCall} event. */
  static final Value TRACE_ID = Value.keyword("trace_id");

  static final Value SPAN_ID = Value.keyword("span_id");

  /** Null when tracing is off: then every method here returns its stage as it is. */
  private final Tracer tracer;

  Traced(Telemetry telemetry) {
    this.tracer = telemetry.on() ? telemetry.tracer() : null;
  }

  /**
   * The call's span around {@code record}, the outermost stage; the recording of the outcome, once
   * the rest of the path has returned or thrown, is its {@code agora.record} child.
   */
  Stage call(Stage record) {
    if (tracer == null) {
      return record;
    }
    return (call, next) -> {
      Span span = start("agora.call " + call.request.capabilityId(), call);
      Segment recording = new Segment();
      try (Scope s = span.makeCurrent()) {
        Value v =
            record.apply(
                call,
                c -> {
                  try {
                    return next.invoke(c);
                  } catch (RuntimeException | Error e) {
                    recording.inner = e;
                    throw e;
                  } finally {
                    recording.span = start("agora.record", c);
                  }
                });
        recording.end(null);
        finish(span, call, null);
        return v;
      } catch (RuntimeException | Error e) {
        recording.end(e == recording.inner ? null : e); // the recording's own failure, if any
        finish(span, call, e);
        throw e;
      }
    };
  }

  /** A stage whose work comes before the rest of the path: its span ends as it passes on. */
  Stage before(String name, Stage stage) {
    if (tracer == null) {
      return stage;
    }
    return (call, next) -> {
      Segment own = new Segment();
      own.span = start(name, call);
      try {
        Value v =
            stage.apply(
                call,
                c -> {
                  own.end(null);
                  return next.invoke(c);
                });
        own.end(null);
        return v;
      } catch (RuntimeException | Error e) {
        own.end(e);
        throw e;
      }
    };
  }

  /** A stage whose work comes after the rest of the path returns: its span starts then. */
  Stage after(String name, Stage stage) {
    if (tracer == null) {
      return stage;
    }
    return (call, next) -> {
      Segment own = new Segment();
      try {
        Value v =
            stage.apply(
                call,
                c -> {
                  Value result = next.invoke(c);
                  own.span = start(name, c);
                  return result;
                });
        own.end(null);
        return v;
      } catch (RuntimeException | Error e) {
        own.end(e);
        throw e;
      }
    };
  }

  /** A stage and everything inside it, under a span that is current meanwhile. */
  Stage around(String name, Stage stage) {
    if (tracer == null) {
      return stage;
    }
    return (call, next) -> {
      Span span = start(name, call);
      try (Scope s = span.makeCurrent()) {
        Value v = stage.apply(call, next);
        end(span, null);
        return v;
      } catch (RuntimeException | Error e) {
        end(span, e);
        throw e;
      }
    };
  }

  /**
   * The {@code CapabilityCall} event with the trace it belongs to: the ids of the current span (the
   * call's) when it is sampled.
   */
  static Event traced(Event called) {
    SpanContext sc = Span.current().getSpanContext();
    if (!sc.isSampled()) {
      return called;
    }
    return called.withMetadata(
        Dict.of(TRACE_ID, Value.of(sc.getTraceId()), SPAN_ID, Value.of(sc.getSpanId())));
  }

  private Span start(String name, Call call) {
    return tracer
        .spanBuilder(name)
        .setAttribute(CAPABILITY, call.request.capabilityId())
        .setAttribute(CALLER, call.request.caller().identity())
        .startSpan();
  }

  /** The call's span gets what the stages found out: the chain action id and the version run. */
  private static void finish(Span span, Call call, Throwable failure) {
    span.setAttribute(ACTION, call.callId);
    if (call.manifest != null) {
      span.setAttribute(VERSION, call.manifest.version());
    }
    end(span, failure);
  }

  private static void end(Span span, Throwable failure) {
    if (failure == null) {
      span.setAttribute(OUTCOME, "ok");
    } else {
      String outcome =
          failure instanceof AgoraError e ? e.kind().name() : failure.getClass().getSimpleName();
      span.setAttribute(OUTCOME, outcome);
      span.setStatus(StatusCode.ERROR, outcome); // never the message: it may quote arguments
    }
    span.end();
  }

  /** A stage's span that starts or ends inside the rest of the path: ended once. */
  private static final class Segment {
    Span span;

    /** What the rest of the path threw, for {@link #call}'s recording span. */
    Throwable inner;

    void end(Throwable failure) {
      if (span != null) {
        Traced.end(span, failure);
        span = null;
      }
    }
  }
}
