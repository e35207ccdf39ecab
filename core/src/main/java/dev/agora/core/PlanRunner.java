package dev.agora.core;

import dev.agora.chain.Receipt;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventIds;
import dev.agora.chain.event.EventSink;
import dev.agora.chain.event.EventType;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.Receipted;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Builtin;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Host;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.eval.Interpreter;
import dev.agora.rtfs.types.TypeExpr;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Runs an RTFS plan against the marketplace: the plan's {@code call}s become {@link CallRequest}s
 * on the one call path, and the plan, its steps and its calls are recorded as events nested by
 * parent id — {@code PlanStarted} → {@code PlanStepStarted} → {@code CapabilityCall} → {@code
 * CapabilityResult} → {@code PlanStepCompleted} → {@code PlanCompleted} (or {@code …Failed}/{@code
 * PlanAborted}).
 */
public final class PlanRunner {

  /** How a plan ended: its value, or the error that aborted it. */
  public record Outcome(String planId, Value value, RtfsError error, Duration took) {
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * {@code (last-receipt)}: the receipt of the plan's latest successful {@code call}, as a map of
   * its JSON fields ({@code (:action (last-receipt))}), or nil — receipts off, or no call yet.
   */
  public static final String LAST_RECEIPT = "last-receipt";

  private final Marketplace marketplace;
  private final EventSink sink;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Consumer<String> log;
  private final Consumer<Receipt> receipts;

  /** {@code receipts}: gets the receipt of every call the plans make (null: no receipts). */
  PlanRunner(
      Marketplace marketplace,
      EventSink sink,
      Clock clock,
      LongSupplier ticker,
      Consumer<String> log,
      Consumer<Receipt> receipts) {
    this.marketplace = marketplace;
    this.sink = sink;
    this.clock = clock;
    this.ticker = ticker;
    this.log = log;
    this.receipts = receipts;
  }

  /**
   * Runs {@code source} (named {@code name} in positions) as {@code caller}; {@code println} goes
   * to System.out.
   */
  public Outcome run(String source, String name, SecurityContext caller, Limits limits) {
    return run(source, name, caller, limits, System.out);
  }

  public Outcome run(
      String source, String name, SecurityContext caller, Limits limits, PrintStream out) {
    return session(caller, limits, out).eval(source, name);
  }

  /**
   * A session as {@code caller}: one interpreter whose definitions persist from one evaluation to
   * the next.
   */
  public Session session(SecurityContext caller, Limits limits, PrintStream out) {
    return new Session(caller, limits, out);
  }

  /**
   * One interpreter on the marketplace. Each {@link #eval} is recorded as a plan of its own, and
   * what it defines stays for the next: how {@code agora repl} keeps its {@code defn}s while every
   * call still goes through the call path. One evaluation at a time.
   */
  public final class Session {
    private final SecurityContext caller;
    private final PlanHost host;
    private final Interpreter rtfs;

    private Session(SecurityContext caller, Limits limits, PrintStream out) {
      this.caller = caller;
      this.host = new PlanHost(caller);
      this.rtfs = Interpreter.builder().host(host).limits(limits).out(out).build();
      rtfs.define(LAST_RECEIPT, new Builtin(LAST_RECEIPT, 0, 0, (args, ev) -> host.lastReceipt));
    }

    /**
     * Evaluates {@code source} (named {@code name} in positions) as a plan: recorded, every call
     * governed.
     */
    public synchronized Outcome eval(String source, String name) {
      String planId = EventIds.next();
      long start = ticker.getAsLong();
      host.begin(planId, name);
      sink.accept(
          Event.of(planId, EventType.PlanStarted, clock.instant(), null, planId, caller.identity())
              .withMetadata(Dict.of(Value.keyword("name"), Value.of(name))));
      try {
        Value v = rtfs.eval(source, name);
        Duration took = Duration.ofNanos(ticker.getAsLong() - start);
        sink.accept(
            Event.of(
                    EventIds.next(),
                    EventType.PlanCompleted,
                    clock.instant(),
                    planId,
                    planId,
                    caller.identity())
                .withResult(v, took, 0));
        return new Outcome(planId, v, null, took);
      } catch (RtfsError e) {
        Duration took = Duration.ofNanos(ticker.getAsLong() - start);
        sink.accept(
            Event.of(
                    EventIds.next(),
                    EventType.PlanAborted,
                    clock.instant(),
                    planId,
                    planId,
                    caller.identity())
                .withError(e.kind().name(), e.describe(), took));
        return new Outcome(planId, null, e, took);
      }
    }

    /** The names defined so far, builtins included. */
    public List<String> globalNames() {
      return rtfs.globalNames();
    }
  }

  /** The plan's host: calls into the call path, steps into events. */
  private final class PlanHost implements Host {
    private final SecurityContext caller;
    private final Map<String, Long> stepStarts = new ConcurrentHashMap<>();

    /** The receipt of the latest call, as RTFS data ({@link #LAST_RECEIPT}); nil before one. */
    private volatile Value lastReceipt = Value.NIL;

    /** The plan being evaluated: a session's evaluations are plans one after the other. */
    private volatile String planId;

    private volatile String planName;

    PlanHost(SecurityContext caller) {
      this.caller = caller;
    }

    void begin(String id, String name) {
      planId = id;
      planName = name;
    }

    @Override
    public Value call(CapabilityCall c) {
      String parent = c.parentStepId() != null ? c.parentStepId() : planId;
      CallRequest r = new CallRequest(c.id(), null, input(c), caller, parent, planId, null);
      try {
        if (marketplace.receiptMode() == Receipt.Mode.OFF) {
          return marketplace.call(r);
        }
        Receipted out = marketplace.callWithReceipt(r);
        lastReceipt = Json.parse(out.receipt().json());
        if (receipts != null) {
          receipts.accept(out.receipt());
        }
        return out.result();
      } catch (AgoraError e) {
        throw e.toRtfs(c.pos());
      }
    }

    @Override
    public String stepStarted(StepStart step) {
      String id = EventIds.next();
      stepStarts.put(id, ticker.getAsLong());
      sink.accept(
          Event.of(
                  id,
                  EventType.PlanStepStarted,
                  clock.instant(),
                  step.parentStepId() != null ? step.parentStepId() : planId,
                  planId,
                  caller.identity())
              .withArguments(step.params())
              .withMetadata(Dict.of(Value.keyword("name"), Value.of(step.name()))));
      return id;
    }

    @Override
    public void stepCompleted(String stepId, Value result) {
      sink.accept(
          Event.of(
                  EventIds.next(),
                  EventType.PlanStepCompleted,
                  clock.instant(),
                  stepId,
                  planId,
                  caller.identity())
              .withResult(result, took(stepId), 0));
    }

    @Override
    public void stepFailed(String stepId, RtfsError error) {
      sink.accept(
          Event.of(
                  EventIds.next(),
                  EventType.PlanStepFailed,
                  clock.instant(),
                  stepId,
                  planId,
                  caller.identity())
              .withError(error.kind().name(), error.describe(), took(stepId)));
    }

    @Override
    public void log(String level, String message, Value data) {
      log.accept(
          "["
              + level
              + "] "
              + planName
              + ": "
              + message
              + (data instanceof Value.Nil ? "" : " " + data));
    }

    private Duration took(String stepId) {
      Long started = stepStarts.remove(stepId);
      return started == null ? Duration.ZERO : Duration.ofNanos(ticker.getAsLong() - started);
    }

    /**
     * The call's input, by the reference's rule: nothing → nil, one argument → itself, several →
     * the entries of a map input schema in declaration order (so {@code (call :geo.distance 1 2)}
     * fills {@code [:map [:from …] [:to …]]}), or else a vector.
     */
    private Value input(CapabilityCall c) {
      List<Value> args = c.args();
      if (args.size() <= 1) {
        return c.input();
      }
      CapabilityManifest m = marketplace.registry().get(c.id());
      if (m != null
          && m.input() != null
          && m.input().type() instanceof TypeExpr.MapOf map
          && map.entries().size() >= args.size()) {
        Dict.Builder b = Dict.builder();
        for (int i = 0; i < args.size(); i++) {
          b.put(map.entries().get(i).key(), args.get(i));
        }
        return b.build();
      }
      return Vec.of(args);
    }
  }
}
