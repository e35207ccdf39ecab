package dev.agora.cli;

import dev.agora.core.approval.Approval;
import dev.agora.core.approval.ApprovalException;
import dev.agora.core.approval.Approvals;
import dev.agora.core.call.policy.SecurityContext;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code agora approvals list|approve|deny}: the calls waiting for a human's approval, in the
 * node's store — so an operator decides here while a server or plan in another process waits.
 * Deciding needs a full security context; the decision is recorded under its name.
 */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = "List, approve and deny the calls that wait for a human's approval.",
    subcommands = {
      ApprovalsCommand.ListApprovals.class,
      ApprovalsCommand.Approve.class,
      ApprovalsCommand.Deny.class
    })
final class ApprovalsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code agora approvals list [--all]}: pending ones, or every one. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the approvals still pending (with --all: every one, most recent first):",
        "id, status, capability, caller, expiry, what asked for it, and the arguments."
      })
  static final class ListApprovals implements Callable<Integer> {
    @Option(names = "--all", description = "Every approval, decided, used or expired too.")
    boolean all;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    ListApprovals(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withNode(
          options,
          io,
          s -> {
            List<Approval> shown =
                s.marketplace().approvals().list().stream()
                    .filter(a -> all || a.status() == Approval.Status.PENDING)
                    .toList();
            for (Approval a : shown) {
              io.out()
                  .printf(
                      "%s  %-8s  %s  by %s  expires %s  (%s)  %s%n",
                      a.id(),
                      a.status().name().toLowerCase(Locale.ROOT),
                      a.binding().capabilityId(),
                      a.binding().caller(),
                      a.expiresAt(),
                      a.why(),
                      a.arguments());
            }
            if (shown.isEmpty()) {
              io.err().println(all ? "no approvals" : "no pending approvals");
            }
            return 0;
          });
    }
  }

  /** A decision on one approval, made by the acting (full) context. */
  abstract static class Decide implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The approval, as `approvals list` shows it.")
    String id;

    @Mixin MarketplaceOptions options;

    final Main.Io io;

    Decide(Main.Io io) {
      this.io = io;
    }

    abstract Approval decide(Approvals approvals, String by);

    @Override
    public Integer call() {
      return Commands.withNode(
          options,
          io,
          s -> {
            SecurityContext who = s.context();
            if (who.level() != SecurityContext.Level.FULL) {
              io.err()
                  .println(
                      "error: context '"
                          + who.identity()
                          + "' may not decide approvals; use a context with level full (--as)");
              return 1;
            }
            try {
              Approval a = decide(s.marketplace().approvals(), who.identity());
              io.out()
                  .println(
                      a.status().name().toLowerCase(Locale.ROOT)
                          + " "
                          + a.id()
                          + ": "
                          + a.binding().capabilityId()
                          + " "
                          + a.arguments()
                          + " for "
                          + a.binding().caller());
              return 0;
            } catch (ApprovalException e) {
              io.err().println("error: " + e.getMessage());
              return 1;
            }
          });
    }
  }

  /** {@code agora approvals approve ID}. */
  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = {
        "Approve one call: the same caller may then make it once, with the same arguments.",
        "Fails when the approval is unknown, expired, already decided or used."
      })
  static final class Approve extends Decide {
    Approve(Main.Io io) {
      super(io);
    }

    @Override
    Approval decide(Approvals approvals, String by) {
      return approvals.approve(id, by);
    }
  }

  /** {@code agora approvals deny ID --reason TEXT}. */
  @Command(
      name = "deny",
      mixinStandardHelpOptions = true,
      description = "Deny one call; the caller's call fails with the reason.")
  static final class Deny extends Decide {
    @Option(
        names = "--reason",
        required = true,
        paramLabel = "TEXT",
        description = "Why, for the caller and the Causal Chain.")
    String reason;

    Deny(Main.Io io) {
      super(io);
    }

    @Override
    Approval decide(Approvals approvals, String by) {
      return approvals.deny(id, by, reason);
    }
  }
}
