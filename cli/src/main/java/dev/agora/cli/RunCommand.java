package dev.agora.cli;

import dev.agora.chain.Receipt;
import dev.agora.chain.event.EventSink;
import dev.agora.core.PlanRunner;
import dev.agora.core.config.RtfsSection;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Printer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agora run PLAN.rtfs}: bootstraps the marketplace (built-in capabilities and the configured
 * sources), runs the plan with every call on the governed call path, prints its value.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run an RTFS plan against the marketplace and print its value.",
      "Every call goes through the governed call path (policy, validation, limits, recording)."
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "PLAN", description = "The RTFS plan file.")
  Path plan;

  @Mixin MarketplaceOptions options;

  @Option(
      names = "--trace",
      description = "Print the plan's steps and calls to stderr as they happen.")
  boolean trace;

  @Mixin BudgetOptions budget;

  @Option(
      names = "--receipts",
      paramLabel = "DIR",
      description =
          "Write the receipt of every call the plan makes to DIR, one file per call"
              + " (NNNN-ACTION.json, in call order), each completed by an inclusion proof.")
  Path receipts;

  private final Main.Io io;

  RunCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    String source = BudgetOptions.read(plan, spec.commandLine());
    EventSink sink = trace ? new EventTrace(io.err()) : EventSink.NONE;
    var budgets = budget.overrides(spec.commandLine());
    return Commands.withMarketplace(
        options,
        io,
        sink,
        s -> {
          Limits limits = budgets.apply(RtfsSection.of(s.marketplace().config()));
          List<Receipt> made = receipts == null ? null : new ArrayList<>();
          PlanRunner.Outcome o =
              Evaluator.onBigStack(
                  () ->
                      s.marketplace()
                          .runPlan(
                              source,
                              plan.toString(),
                              s.context(),
                              limits,
                              io.out(),
                              made == null ? null : made::add));
          if (made != null && !Receipts.writeAll(s.node(), made, receipts, io)) {
            return 1;
          }
          if (!o.ok()) {
            Evaluator.printError(o.error(), io.err());
            return 1;
          }
          io.out().println(Printer.print(o.value()));
          return 0;
        });
  }
}
