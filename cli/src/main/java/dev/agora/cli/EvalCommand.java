package dev.agora.cli;

import dev.agora.rtfs.Interpreter;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SimpleHost;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agora eval FILE} / {@code agora eval -e EXPR}: evaluates every top-level form and prints the
 * last value in RTFS form. Capability calls go to a small demo host ({@code ccos.echo},
 * {@code ccos.math.add}); {@code agora run} uses the marketplace.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate an RTFS file or expression and print the value of its last form.",
        "Calls go to a demo host with ccos.echo and ccos.math.add."})
final class EvalCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "An RTFS file.")
  Path file;

  @Option(names = {"-e", "--expr"}, paramLabel = "EXPR", description = "Evaluate this text instead of a file.")
  String expr;

  @Option(names = "--trace", description = "Print steps and capability calls to stderr as they happen.")
  boolean trace;

  @Option(names = "--timeout-ms", paramLabel = "MS", description = "Stop the evaluation after this many milliseconds.")
  Long timeoutMs;

  @Option(names = "--max-steps", paramLabel = "N", description = "Stop the evaluation after N function applications.")
  Long maxSteps;

  private final Main.Io io;

  EvalCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if ((file == null) == (expr == null)) {
      throw new ParameterException(spec.commandLine(), "give either a FILE or -e EXPR");
    }
    String source = expr != null ? expr : read(file);
    String name = expr != null ? "<expr>" : file.toString();
    SimpleHost host = SimpleHost.demo();
    if (trace) {
      host.onEvent(new Trace(io.err()));
    }
    Interpreter rtfs = Interpreter.builder().host(host).limits(limits()).out(io.out()).build();
    try {
      Value v = Evaluator.onBigStack(() -> rtfs.eval(source, name));
      io.out().println(Printer.print(v));
      return 0;
    } catch (RtfsError e) {
      Evaluator.printError(e, io.err());
      return 1;
    }
  }

  private Limits limits() {
    Limits l = Limits.DEFAULT;
    if (timeoutMs != null) {
      if (timeoutMs <= 0) {
        throw new ParameterException(spec.commandLine(), "--timeout-ms must be positive, got " + timeoutMs);
      }
      l = l.withTimeout(Duration.ofMillis(timeoutMs));
    }
    if (maxSteps != null) {
      if (maxSteps <= 0) {
        throw new ParameterException(spec.commandLine(), "--max-steps must be positive, got " + maxSteps);
      }
      l = l.withMaxSteps(maxSteps);
    }
    return l;
  }

  private String read(Path p) {
    try {
      return Files.readString(p);
    } catch (MalformedInputException e) {
      throw new ParameterException(spec.commandLine(), "cannot read " + p + ": it is not UTF-8 text");
    } catch (IOException e) {
      throw new ParameterException(spec.commandLine(), "cannot read " + p + ": " + describe(e));
    }
  }

  static String describe(IOException e) {
    return switch (e) {
      case java.nio.file.NoSuchFileException n -> "no such file";
      case java.nio.file.AccessDeniedException a -> "permission denied";
      default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    };
  }
}
