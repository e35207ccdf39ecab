package dev.agora.cli;

import dev.agora.chain.ChainFormatException;
import dev.agora.chain.ChainKey;
import dev.agora.chain.InclusionProof;
import dev.agora.chain.Receipt;
import dev.agora.chain.VerifierKey;
import java.io.IOException;
import java.nio.file.Files;
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

/** {@code agora verify …}: check evidence Agora handed out, offline. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Check evidence offline: a call's receipt.",
    subcommands = {VerifyCommand.ReceiptFile.class})
final class VerifyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "receipt",
      mixinStandardHelpOptions = true,
      description = {
        "Check a call's receipt (agora caps call --receipt, agora run --receipts, an MCP result's"
            + " _meta \\\"dev.agora/receipt\\\") with the node's public key: its signature, or the"
            + " inclusion proof it carries; and, when given, that a later proof or exported log"
            + " holds its entry.",
        "Exit 0 if valid, 1 with the reason if not (any changed byte is refused)."
      })
  static final class ReceiptFile implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The receipt (its JSON).")
    Path file;

    @Option(
        names = "--key",
        paramLabel = "KEY",
        description =
            "The node's verifier key (name+hash+base64), or a file holding it (chain-key.pub);"
                + " default: the configured data directory's chain-key.pub.")
    String key;

    @Option(
        names = "--proof",
        paramLabel = "FILE",
        description = "An inclusion proof of the receipt's entry ('agora chain prove ACTION').")
    Path proof;

    @Option(
        names = "--log",
        paramLabel = "EXPORT",
        description = "A later export of the log ('agora chain export') that must hold the entry.")
    Path log;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    ReceiptFile(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      Path reading = file;
      try {
        VerifierKey k = key == null ? nodeKey() : ChainCommand.verifierKey(key, spec);
        if (k == null) {
          return 1;
        }
        Receipt r = Receipt.parse(Files.readString(file));
        List<String> held = new ArrayList<>();
        Receipt.Verdict v = r.verify(k);
        if (v.valid() && proof != null) {
          reading = proof;
          v = r.checkProof(InclusionProof.parse(Files.readString(proof)), k);
          held.add("the proof " + proof);
        }
        if (v.valid() && log != null) {
          reading = log;
          v = r.checkExport(log, k);
          held.add("the export " + log);
        }
        if (!v.valid()) {
          io.out().println("BAD: " + v.reason());
          return 1;
        }
        io.out()
            .println(
                "ok: receipt of "
                    + r.capability()
                    + " (action "
                    + r.action()
                    + (r.index() >= 0 ? ", entry " + r.index() : "")
                    + ") in the log "
                    + r.log()
                    + (r.signature() != null ? "; signed by " + k.name() : "")
                    + (r.proof() != null
                        ? "; proven in its checkpoint of " + r.proof().checkpoint().size()
                        : "")
                    + (held.isEmpty() ? "" : "; held by " + String.join(" and ", held)));
        return 0;
      } catch (ChainFormatException e) {
        io.err().println("error: " + reading + ": " + e.getMessage());
        return 1;
      } catch (IOException e) {
        io.err().println("error: cannot read " + reading + ": " + BudgetOptions.why(e));
        return 1;
      }
    }

    /** The configured node's public key, or null after saying why there is none. */
    private VerifierKey nodeKey() {
      VerifierKey[] found = {null};
      Commands.withConfig(
          options,
          io,
          cfg -> {
            try {
              found[0] = ChainKey.readVerifier(cfg.dataDirOrDefault());
              return 0;
            } catch (ChainFormatException | IOException e) {
              io.err().println("error: " + e.getMessage() + " (or give --key)");
              return 1;
            }
          });
      return found[0];
    }
  }
}
