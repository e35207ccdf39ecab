package dev.agora.rtfs.eval;

import dev.agora.rtfs.ErrorKind;
import dev.agora.rtfs.Evaluation;
import dev.agora.rtfs.Host;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Form;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.stdlib.Stdlib;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs RTFS programs: read → analyze → evaluate, each phase finishing before the next starts, so a
 * syntax error anywhere stops the program before any of it runs. Globals persist between calls to
 * {@link #eval} (the REPL relies on it); every call is one {@link Evaluation} with fresh budgets.
 *
 * <pre>{@code
 * Interpreter rtfs = Interpreter.builder().host(myHost).limits(Limits.DEFAULT.withTimeout(Duration.ofSeconds(5))).build();
 * Value v = rtfs.eval("(step \"fetch\" (call :weather.current {:city \"Oslo\"}))", "plan.rtfs");
 * }</pre>
 *
 * <p>Only {@link RtfsError}s come out of {@link #eval}: a stack exhausted by the program, or its
 * memory budget ({@link Limits#maxMemory()}), is reported as {@link ErrorKind#LimitExceeded}, and
 * so is a heap exhausted all the same. Recursion as deep as {@link Limits#maxDepth()} needs a
 * thread stack of roughly 1 KB per level; the CLI evaluates on a thread with a large stack. {@link
 * #eval} may run on one thread at a time; {@link #apply} of a function already defined may run on
 * several at once (each call is its own evaluation, and applying only reads the globals).
 */
public final class Interpreter {

  private final Globals globals = new Globals();
  private final Analyzer analyzer = new Analyzer(globals);
  private final Host host;
  private final Limits limits;
  private final PrintStream out;
  private final LongSupplier nanoClock;

  private Interpreter(Builder b) {
    this.host = b.host;
    this.limits = b.limits;
    this.out = b.out;
    this.nanoClock = b.nanoClock;
    Stdlib.builtins().forEach(globals::define);
  }

  /** An interpreter with no capability host and default limits. */
  public static Interpreter create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Evaluates every top-level form of {@code source} and returns the last value ({@code nil} if
   * none).
   */
  public Value eval(String source, String sourceName) {
    return eval(guarded(() -> Reader.readAll(source, sourceName)));
  }

  /** {@link #eval(String, String)} with the source named {@code <expr>}. */
  public Value eval(String source) {
    return eval(source, "<expr>");
  }

  /** Analyzes all forms, then evaluates them in order. */
  public Value eval(List<Form> forms) {
    List<Analyzer.TopLevel> program =
        guarded(
            () -> {
              List<Analyzer.TopLevel> out = new ArrayList<>(forms.size());
              for (Form f : forms) {
                out.add(analyzer.analyzeTop(f));
              }
              return out;
            });
    Evaluation ev = newEvaluation();
    Value last = Value.NIL;
    for (Analyzer.TopLevel t : program) {
      try {
        last = guarded(() -> ev.metered(() -> t.run(ev)));
      } catch (RtfsError e) {
        throw e.at(t.node().pos()); // an error without a position gets its top-level form's
      }
    }
    return last;
  }

  /** Calls an RTFS function (or keyword) from Java. */
  public Value apply(Value fn, List<Value> args) {
    return apply(fn, args, limits);
  }

  /** Calls an RTFS function with its own budgets (a per-call deadline, say). */
  public Value apply(Value fn, List<Value> args, Limits callLimits) {
    Evaluation ev = new Evaluation(host, callLimits, out, nanoClock);
    return guarded(() -> ev.metered(() -> ev.apply(fn, args.toArray(Value[]::new))));
  }

  /** Binds a global, e.g. a builtin of the host's. */
  public void define(String name, Value value) {
    globals.define(name, Objects.requireNonNull(value));
  }

  /** The value of a global, or null. */
  public Value lookup(String name) {
    return globals.get(name);
  }

  /** The names of all bound globals, sorted. */
  public List<String> globalNames() {
    return globals.names();
  }

  public Host host() {
    return host;
  }

  public Limits limits() {
    return limits;
  }

  private Evaluation newEvaluation() {
    return new Evaluation(host, limits, out, nanoClock);
  }

  /**
   * Turns stack or heap exhaustion while reading, analyzing or running a program into an RTFS
   * error; the program's garbage is free by then.
   */
  private static <T> T guarded(Supplier<T> body) {
    try {
      return body.get();
    } catch (StackOverflowError e) {
      throw RtfsError.limit("recursion too deep: the stack is exhausted");
    } catch (OutOfMemoryError e) {
      throw RtfsError.limit("the evaluation ran out of memory");
    }
  }

  /** Configures an {@link Interpreter}. */
  public static final class Builder {
    private Host host = Host.NONE;
    private Limits limits = Limits.DEFAULT;
    private PrintStream out = System.out;
    private LongSupplier nanoClock = System::nanoTime;

    private Builder() {}

    /** Where {@code call} and {@code step} go (default: none, every call fails with NotFound). */
    public Builder host(Host h) {
      this.host = Objects.requireNonNull(h);
      return this;
    }

    public Builder limits(Limits l) {
      this.limits = Objects.requireNonNull(l);
      return this;
    }

    /** Where {@code println} writes (default: standard output). */
    public Builder out(PrintStream o) {
      this.out = Objects.requireNonNull(o);
      return this;
    }

    /** The clock deadlines are measured with, in nanoseconds (default: {@link System#nanoTime}). */
    public Builder nanoClock(LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock);
      return this;
    }

    public Interpreter build() {
      return new Interpreter(this);
    }
  }
}
