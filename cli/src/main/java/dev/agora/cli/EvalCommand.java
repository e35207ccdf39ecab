package dev.agora.cli;

import dev.agora.chain.event.EventSink;
import dev.agora.core.PlanRunner;
import dev.agora.core.config.RtfsSection;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Printer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agora eval FILE} / {@code agora eval -e EXPR}: evaluates every top-level form and prints
 * the last value in RTFS form. Like {@code agora run}, on the marketplace: the same capabilities,
 * every call on the governed call path as {@code --as}, everything recorded in the Causal Chain.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate an RTFS file or expression and print the value of its last form.",
      "Calls go through the marketplace's governed call path and are recorded, as in 'agora run'."
    })
final class EvalCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "An RTFS file.")
  Path file;

  @Option(
      names = {"-e", "--expr"},
      paramLabel = "EXPR",
      description = "Evaluate this text instead of a file.")
  String expr;

  @Option(
      names = "--trace",
      description = "Print steps and capability calls to stderr as they happen.")
  boolean trace;

  @Mixin MarketplaceOptions options;

  @Mixin BudgetOptions budget;

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
    var budgets = budget.overrides(spec.commandLine());
    EventSink sink = trace ? new EventTrace(io.err()) : EventSink.NONE;
    return Commands.withMarketplace(
        options,
        io,
        sink,
        s -> {
          Limits limits = budgets.apply(RtfsSection.of(s.marketplace().config()));
          PlanRunner.Outcome o =
              Evaluator.onBigStack(
                  () -> s.marketplace().runPlan(source, name, s.context(), limits, io.out()));
          if (!o.ok()) {
            Evaluator.printError(o.error(), io.err());
            return 1;
          }
          io.out().println(Printer.print(o.value()));
          return 0;
        });
  }
}
