package dev.agora.cli;

import dev.agora.rtfs.Interpreter;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.SimpleHost;
import dev.agora.rtfs.Value;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
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

  @Mixin
  BudgetOptions budget;

  private final Main.Io io;

  EvalCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    if ((file == null) == (expr == null)) {
      throw new ParameterException(spec.commandLine(), "give either a FILE or -e EXPR");
    }
    String source = expr != null ? expr : BudgetOptions.read(file, spec.commandLine());
    String name = expr != null ? "<expr>" : file.toString();
    SimpleHost host = SimpleHost.demo();
    if (trace) {
      host.onEvent(new Trace(io.err()));
    }
    Interpreter rtfs = Interpreter.builder().host(host).limits(budget.limits(spec.commandLine())).out(io.out()).build();
    try {
      Value v = Evaluator.onBigStack(() -> rtfs.eval(source, name));
      io.out().println(Printer.print(v));
      return 0;
    } catch (RtfsError e) {
      Evaluator.printError(e, io.err());
      return 1;
    }
  }
}
