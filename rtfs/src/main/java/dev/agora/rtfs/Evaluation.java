package dev.agora.rtfs;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The state of one evaluation: its budgets, its recursion depth, the innermost step, and the host.
 * Builtins receive it to call functions back ({@link #apply}) and to check sizes.
 *
 * <p>Budgets are checked on every application ({@link #tick}); the clock and the interrupt flag
 * every 1,024 ticks. A deadline, a cancellation or an exhausted step budget <em>aborts</em> the
 * evaluation: the error is remembered and raised again at every later tick, so a catch-all {@code
 * try} cannot keep a runaway program alive.
 *
 * <p><b>Memory.</b> While {@link #metered} runs the program, every string, vector, list and map it
 * makes on this thread is counted against {@link Limits#maxMemory()} with an estimate of its size
 * ({@link #allocate}); garbage counts too, so the budget bounds what one evaluation can ever hold,
 * whatever the others on the heap do. Exceeding it aborts the evaluation like the step budget.
 * Values the host makes during a {@code call} or a step report are not counted.
 */
public final class Evaluation {

  private static final int CHECK_EVERY = 1024;

  /** The evaluation whose program runs on this thread now, or null (the host, no evaluation). */
  private static final ThreadLocal<Evaluation> METERED = new ThreadLocal<>();

  private final Host host;
  private final Limits limits;
  private final PrintStream out;
  private final LongSupplier nanoClock;
  private final long deadline;
  private final long maxSteps;
  private final int maxDepth;
  private final long maxMemory;
  private long steps;
  private long allocated;
  private int depth;
  private String currentStep;
  private RtfsError aborted;

  /** A fresh evaluation (the {@code Interpreter} makes one per call). */
  public Evaluation(Host host, Limits limits, PrintStream out, LongSupplier nanoClock) {
    this.host = host;
    this.limits = limits;
    this.out = out;
    this.nanoClock = nanoClock;
    this.maxSteps = limits.maxSteps();
    this.maxDepth = limits.maxDepth();
    this.maxMemory = limits.maxMemory();
    this.deadline =
        limits.timeout() == null
            ? Long.MAX_VALUE
            : nanoClock.getAsLong() + limits.timeout().toNanos();
  }

  /** The capability host. */
  public Host host() {
    return host;
  }

  public Limits limits() {
    return limits;
  }

  /** Where {@code println} writes. */
  public PrintStream out() {
    return out;
  }

  /** Function applications so far. */
  public long steps() {
    return steps;
  }

  // ---- Applying functions ----

  /** Calls a function or keyword with these arguments (the array is handed over). */
  public Value apply(Value callee, Value[] args) {
    tick();
    if (callee instanceof Fn fn) {
      return fn.apply(args, this);
    }
    return applyOther(callee, args);
  }

  /** {@link #apply} with one argument, without an argument array when the callee allows. */
  public Value apply1(Value callee, Value a) {
    tick();
    if (callee instanceof Fn fn) {
      return fn.apply1(a, this);
    }
    return applyOther(callee, new Value[] {a});
  }

  /** {@link #apply} with two arguments, without an argument array when the callee allows. */
  public Value apply2(Value callee, Value a, Value b) {
    tick();
    if (callee instanceof Fn fn) {
      return fn.apply2(a, b, this);
    }
    return applyOther(callee, new Value[] {a, b});
  }

  private static Value applyOther(Value callee, Value[] args) {
    if (callee instanceof Value.Keyword k) {
      return keywordLookup(k, args);
    }
    throw RtfsError.type(
        "cannot call " + Printer.describe(callee) + ": only functions and keywords can be called");
  }

  /** {@code (:k m)} and {@code (:k m default)} on a map, nil or caught error. */
  public static Value keywordLookup(Value.Keyword k, Value[] args) {
    if (args.length < 1 || args.length > 2) {
      throw RtfsError.arity(
          "keyword " + k + " takes 1 or 2 arguments (a map and a default), got " + args.length);
    }
    Value fallback = args.length == 2 ? args[1] : Value.NIL;
    Value found =
        switch (args[0]) {
          case Dict d -> d.get(k);
          case Value.Nil n -> null;
          case Err e -> e.field(k.name());
          default ->
              throw RtfsError.type(
                  "keyword " + k + " looks up keys in maps, not in " + Printer.describe(args[0]));
        };
    return found == null ? fallback : found;
  }

  /** Enters a function body: counts the depth against {@link Limits#maxDepth()}. */
  public void enter() {
    if (++depth > maxDepth) {
      depth--;
      throw RtfsError.limit("recursion deeper than " + maxDepth + " nested calls");
    }
  }

  /** Leaves a function body. */
  public void exit() {
    depth--;
  }

  // ---- Budgets ----

  /**
   * Counts one step; checks the step budget, and every 1,024 steps the deadline and interruption.
   */
  public void tick() {
    if (++steps > maxSteps) {
      abort(RtfsError.limit("the evaluation used its budget of " + maxSteps + " steps"));
    }
    if ((steps & (CHECK_EVERY - 1)) == 0) {
      checkTimeAndInterrupt();
    }
  }

  /** Checks the deadline and the interrupt flag now. */
  public void checkTimeAndInterrupt() {
    if (aborted != null) {
      throw aborted;
    }
    if (Thread.currentThread().isInterrupted()) {
      abort(new RtfsError(ErrorKind.Cancelled, "the evaluation was cancelled"));
    }
    if (deadline != Long.MAX_VALUE && nanoClock.getAsLong() - deadline > 0) {
      abort(
          new RtfsError(
              ErrorKind.Timeout,
              "the evaluation ran past its deadline of " + limits.timeout().toMillis() + " ms"));
    }
  }

  /** True once a deadline, cancellation or step budget has stopped this evaluation. */
  public boolean isAborted() {
    return aborted != null;
  }

  private void abort(RtfsError e) {
    aborted = e;
    throw e;
  }

  /**
   * Refuses a collection of {@code n} items beyond {@link Limits#maxCollection()}, or one that
   * would not fit in what is left of the memory budget.
   */
  public void checkSize(long n) {
    if (n > limits.maxCollection()) {
      throw RtfsError.limit(
          "a collection of " + n + " items exceeds the limit of " + limits.maxCollection());
    }
    checkMemory(seqBytes(n));
  }

  /**
   * Refuses a string of {@code n} characters beyond {@link Limits#maxString()}, or one that would
   * not fit in what is left of the memory budget.
   */
  public void checkString(long n) {
    if (n > limits.maxString()) {
      throw RtfsError.limit(
          "a string of " + n + " characters exceeds the limit of " + limits.maxString());
    }
    checkMemory(stringBytes(n));
  }

  // ---- Memory ----

  /** Estimated bytes of a string of {@code chars} characters (object, array, builder slack). */
  static long stringBytes(long chars) {
    return 56 + 2 * chars;
  }

  /** Estimated bytes of a vector or list of {@code items} items (object, array of references). */
  static long seqBytes(long items) {
    return 32 + 8 * items;
  }

  /** Estimated bytes of a map of {@code entries} entries (a linked hash map). */
  static long mapBytes(long entries) {
    return 64 + 56 * entries;
  }

  /**
   * Runs {@code body} — the program — counting the values it makes on this thread against this
   * evaluation's memory budget; an evaluation already metered on this thread resumes after.
   */
  public <T> T metered(Supplier<T> body) {
    Evaluation outer = METERED.get();
    METERED.set(this);
    try {
      return body.get();
    } finally {
      METERED.set(outer);
    }
  }

  /** Counts a new value of about {@code bytes} bytes against the running evaluation, if any. */
  static void charge(long bytes) {
    Evaluation ev = METERED.get();
    if (ev != null) {
      ev.allocate(bytes);
    }
  }

  /**
   * Counts {@code bytes} the program made against the memory budget; beyond it the evaluation is
   * aborted with LimitExceeded. Strings, vectors, lists and maps count themselves; builtins call
   * this for what else they make in bulk (the numbers of a {@code range}).
   */
  public void allocate(long bytes) {
    allocated += bytes;
    if (allocated > maxMemory) {
      abort(overBudget());
    }
  }

  private void checkMemory(long bytes) {
    if (allocated + bytes > maxMemory) {
      abort(overBudget());
    }
  }

  private RtfsError overBudget() {
    return RtfsError.limit(
        "the evaluation used more than its memory budget of "
            + (maxMemory % (1 << 20) == 0 ? (maxMemory >> 20) + " MiB" : maxMemory + " bytes")
            + " (strings and collections it built, counted as they were made)");
  }

  /** Runs a host action outside the memory budget: what the host makes is its own. */
  private static <T> T unmetered(Supplier<T> action) {
    Evaluation outer = METERED.get();
    METERED.remove();
    try {
      return action.get();
    } finally {
      METERED.set(outer);
    }
  }

  // ---- Host boundary ----

  /** The id of the innermost step being evaluated, or null. */
  public String currentStep() {
    return currentStep;
  }

  /**
   * {@code (call id arg…)}: hands the call to the host inside the current step. The id is a keyword
   * (its name, without the colon) or a string.
   */
  public Value callCapability(Value idValue, Value[] args, SourcePos pos) {
    String id =
        switch (idValue) {
          case Value.Keyword k -> k.name();
          case Value.Str s -> s.value();
          default ->
              throw new RtfsError(
                  ErrorKind.TypeError,
                  "call needs a capability id as a keyword or string, got "
                      + Printer.describe(idValue),
                  pos);
        };
    tick();
    try {
      Value v =
          unmetered(
              () -> host.call(new Host.CapabilityCall(id, Arrays.asList(args), currentStep, pos)));
      return v == null ? Value.NIL : v;
    } catch (RtfsError e) {
      throw e.at(pos);
    } catch (RuntimeException e) {
      throw new RtfsError(
          ErrorKind.ProviderError, "capability '" + id + "' failed: " + e.getMessage(), pos);
    }
  }

  /** Reports a step start to the host and makes it the current step; returns its id. */
  public String startStep(Host.StepStart start) {
    String id = hostCall(() -> host.stepStarted(start), start.pos());
    currentStep = id;
    return id;
  }

  /** Reports a step's end (success when {@code error} is null) and restores the parent step. */
  public void endStep(String id, String parent, Value result, RtfsError error, SourcePos pos) {
    currentStep = parent;
    hostCall(
        () -> {
          if (error == null) {
            host.stepCompleted(id, result);
          } else {
            host.stepFailed(id, error);
          }
          return null;
        },
        pos);
  }

  /** Passes a plan's log line to the host. */
  public void log(String level, String message, Value data) {
    hostCall(
        () -> {
          host.log(level, message, data);
          return null;
        },
        null);
  }

  private static <T> T hostCall(Supplier<T> action, SourcePos pos) {
    try {
      return unmetered(action);
    } catch (RtfsError e) {
      throw e.at(pos);
    } catch (RuntimeException e) {
      throw new RtfsError(ErrorKind.ProviderError, "the host failed: " + e.getMessage(), pos);
    }
  }
}
