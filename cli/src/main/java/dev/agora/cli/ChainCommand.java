package dev.agora.cli;

import dev.agora.chain.Canonical;
import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainExport;
import dev.agora.chain.ChainFormatException;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Checkpoint;
import dev.agora.chain.Entry;
import dev.agora.chain.Hashes;
import dev.agora.chain.InclusionProof;
import dev.agora.chain.Verifier;
import dev.agora.chain.VerifierKey;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.StoredChain;
import dev.agora.core.doc.Fields;
import dev.agora.core.json.ChainJson;
import dev.agora.core.json.Json;
import dev.agora.core.spi.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agora chain …}: read, verify, prove and export the Causal Chain. */
@Command(
    name = "chain",
    mixinStandardHelpOptions = true,
    description = "Show, verify, prove and export the Causal Chain.",
    subcommands = {
      ChainCommand.Verify.class,
      ChainCommand.Show.class,
      ChainCommand.Export.class,
      ChainCommand.VerifyExport.class,
      ChainCommand.Prove.class,
      ChainCommand.VerifyProof.class,
      ChainCommand.MakeCheckpoint.class,
      ChainCommand.Consistency.class,
      ChainCommand.Key.class
    })
final class ChainCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The shared shape of a chain subcommand: node options, the process's streams, a body. */
  abstract static class Sub implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin MarketplaceOptions options;

    final Main.Io io;

    Sub(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() throws Exception {
      return Commands.withNode(options, io, s -> run(s.node().chain()));
    }

    abstract int run(CausalChain chain);
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify the stored chain: every entry's bytes, hashes and index columns, the head, no rows "
            + "past it, and every signed checkpoint; at least one must be signed by the node's key "
            + "or a trusted key.",
        "Opens the store read-only and creates nothing: a missing store or key is an error.",
        "Exit 0 if intact, 1 with the first bad entry and why, or when there is nothing to verify."
      })
  static final class Verify implements Callable<Integer> {
    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    Verify(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withConfig(
          options,
          io,
          cfg -> {
            try {
              return report(StoredChain.verify(cfg), io);
            } catch (StoreException | ChainFormatException e) {
              io.err().println("error: " + e.getMessage());
              return 1;
            }
          });
    }
  }

  static int report(Verifier.Report r, Main.Io io) {
    if (r.ok()) {
      io.out()
          .println(
              "ok: "
                  + r.size()
                  + " entries, "
                  + r.checkpoints()
                  + " signed checkpoints verified"
                  + (r.unsigned() > 0
                      ? ", " + r.unsigned() + " signed by keys not trusted here"
                      : "")
                  + "; root "
                  + Hashes.hex(r.root()));
      return 0;
    }
    io.out().println("BAD: entry " + r.firstBad() + ": " + r.reason());
    return 1;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "List recorded actions, oldest first; filters combine.")
  static final class Show extends Sub {
    @Option(names = "--plan", paramLabel = "ID", description = "Actions of one plan.")
    String plan;

    @Option(
        names = "--capability",
        paramLabel = "ID",
        description = "Actions about one capability.")
    String capability;

    @Option(
        names = "--caller",
        paramLabel = "NAME",
        description = "Actions of one caller (security context).")
    String caller;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "One action type, e.g. CapabilityCall.")
    String type;

    @Option(
        names = "--action",
        paramLabel = "ID",
        description = "One action, with its children when --tree.")
    String action;

    @Option(
        names = "--since",
        paramLabel = "WHEN",
        description = "From this time: an ISO instant or a duration ago (10m, 2h).")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Before this time (same forms).")
    String until;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "1000",
        description = "At most N actions (default 1000; 0: all).")
    int limit;

    @Option(
        names = "--tree",
        description = "Nest actions under their parents (plan → steps → calls → results).")
    boolean tree;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    Show(Main.Io io) {
      super(io);
    }

    @Override
    int run(CausalChain chain) {
      List<String> types = Arrays.stream(EventType.values()).map(Enum::name).toList();
      if (type != null && !types.contains(type)) {
        // issue 11: an unknown type matched nothing, silently
        throw new ParameterException(
            spec.commandLine(),
            "--type: no action type '" + type + "'" + Main.didYouMean(type, types));
      }
      ChainQuery q =
          ChainQuery.ALL
              .withPlan(plan)
              .withCapability(capability)
              .withCaller(caller)
              .withType(type)
              .withTime(when(since, "--since"), when(until, "--until"))
              .withLimit(limit);
      List<Entry> found =
          new ArrayList<>(chain.query(action != null && !tree ? q.withActionId(action) : q));
      if (action != null && tree) {
        found = subtree(chain, action);
      }
      if (json) {
        io.out()
            .println(
                Json.write(
                    tree ? ChainJson.forest(CausalChain.forest(found)) : ChainJson.entries(found)));
        return 0;
      }
      if (tree) {
        CausalChain.forest(found).forEach(n -> print(n, 0));
      } else {
        found.forEach(e -> io.out().println(line(e)));
      }
      if (found.isEmpty()) {
        io.err().println("no actions match");
      }
      return 0;
    }

    private static List<Entry> subtree(CausalChain chain, String id) {
      List<Entry> out = new ArrayList<>();
      chain
          .get(id)
          .ifPresent(
              root -> {
                List<Entry> todo = new ArrayList<>(List.of(root));
                while (!todo.isEmpty()) {
                  Entry e = todo.removeFirst();
                  out.add(e);
                  todo.addAll(chain.children(e.columns().actionId()));
                }
              });
      out.sort(Comparator.comparingLong(Entry::index));
      return out;
    }

    private Instant when(String text, String option) {
      return ChainCommand.when(spec, text, option);
    }

    private void print(CausalChain.Node n, int depth) {
      io.out().println("  ".repeat(depth) + line(n.entry()));
      n.children().forEach(c -> print(c, depth + 1));
    }

    static String line(Entry entry) {
      Event e = entry.action();
      return "#"
          + entry.index()
          + " "
          + e.at()
          + " "
          + e.type()
          + " ["
          + e.id()
          + "]"
          + (e.caller() == null ? "" : " by " + e.caller())
          + ": "
          + EventTrace.summary(e);
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Write the chain with a fresh signed checkpoint to FILE: anyone can verify it offline "
              + "with 'agora chain verify-export FILE --key KEY'.")
  static final class Export extends Sub {
    @Parameters(paramLabel = "FILE", description = "Where to write the export (JSON Lines).")
    Path file;

    Export(Main.Io io) {
      super(io);
    }

    @Override
    int run(CausalChain chain) {
      Checkpoint c;
      try {
        c = ChainExport.write(chain, file);
      } catch (IOException e) {
        // issue 11: this printed only the temporary file's name ("error: /x/chain.jsonl.tmp")
        io.err().println("error: cannot write " + file + ": " + BudgetOptions.why(e));
        return 1;
      }
      io.out().println("exported " + c.size() + " entries to " + file);
      io.out()
          .println(
              "verify with: agora chain verify-export "
                  + file
                  + " --key "
                  + chain.ledger().key().verifier());
      return 0;
    }
  }

  /** {@code --key}: a verifier key, or a file holding one; a bad one is a usage error. */
  static VerifierKey verifierKey(String key, CommandSpec spec) {
    try {
      Path p = Path.of(key);
      return VerifierKey.parse(Files.isRegularFile(p) ? Files.readString(p) : key);
    } catch (ChainFormatException | IOException | InvalidPathException e) {
      throw new ParameterException(spec.commandLine(), "--key: " + e.getMessage());
    }
  }

  /** Commands that need only a file and a key, no node. */
  abstract static class Offline implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "KEY",
        description =
            "The node's verifier key (name+hash+base64), or a file holding it (chain-key.pub).")
    String key;

    final Main.Io io;

    Offline(Main.Io io) {
      this.io = io;
    }

    VerifierKey key() {
      return verifierKey(key, spec);
    }

    @Override
    public Integer call() {
      VerifierKey k = key();
      try {
        return run(k);
      } catch (ChainFormatException e) {
        io.err().println("error: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        // issue 11: a missing file was only its name ("error: /x/proof.txt")
        io.err().println("error: cannot read " + input() + ": " + BudgetOptions.why(e));
        return 1;
      }
    }

    /** The file the command reads, as the user gave it. */
    abstract String input();

    abstract int run(VerifierKey key) throws IOException;
  }

  @Command(
      name = "verify-export",
      mixinStandardHelpOptions = true,
      description =
          "Verify an export with only the file and the node's public key. Exit 0 if intact, 1 if not.")
  static final class VerifyExport extends Offline {
    @Parameters(paramLabel = "FILE")
    Path file;

    VerifyExport(Main.Io io) {
      super(io);
    }

    @Override
    String input() {
      return file.toString();
    }

    @Override
    int run(VerifierKey key) throws IOException {
      ChainExport.Result r = ChainExport.verify(file, key);
      io.out()
          .println(
              "log "
                  + r.checkpoint().origin()
                  + ", checkpoint of "
                  + r.checkpoint().size()
                  + " entries");
      return report(r.report(), io);
    }
  }

  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description =
          "Print an inclusion proof (C2SP tlog-proof) that an action is in the log, against a signed "
              + "checkpoint; check it anywhere with 'agora chain verify-proof'.")
  static final class Prove extends Sub {
    @Parameters(paramLabel = "ACTION_ID")
    String actionId;

    Prove(Main.Io io) {
      super(io);
    }

    @Override
    int run(CausalChain chain) {
      if (chain.get(actionId).isEmpty()) {
        io.err().println("error: no action '" + actionId + "' in the chain");
        return 1;
      }
      InclusionProof p = chain.prove(actionId);
      if (!p.verify(chain.ledger().key().verifier())) {
        io.err()
            .println(
                "error: the proof does not verify against the stored log; run 'agora chain verify'");
        return 1;
      }
      io.out().print(p.text());
      return 0;
    }
  }

  @Command(
      name = "verify-proof",
      mixinStandardHelpOptions = true,
      description =
          "Check an inclusion proof with the node's public key; prints the proven action.")
  static final class VerifyProof extends Offline {
    @Parameters(paramLabel = "FILE", description = "The proof ('-' for standard input).")
    String file;

    VerifyProof(Main.Io io) {
      super(io);
    }

    @Override
    String input() {
      return file;
    }

    @Override
    int run(VerifierKey key) throws IOException {
      String text =
          file.equals("-")
              ? new String(io.in().readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(Path.of(file));
      InclusionProof p = InclusionProof.parse(text);
      if (!p.verify(key)) {
        io.out()
            .println(
                "BAD: the proof does not hold for entry "
                    + p.index()
                    + " of "
                    + p.checkpoint().size()
                    + (p.checkpoint().signedBy(key)
                        ? ""
                        : " (the checkpoint is not signed by " + key.name() + ")"));
        return 1;
      }
      Event e = Canonical.decode(p.body());
      io.out()
          .println(
              "ok: action "
                  + e.id()
                  + " ("
                  + e.type()
                  + ") is entry "
                  + p.index()
                  + " of the log "
                  + p.checkpoint().origin()
                  + " of "
                  + p.checkpoint().size()
                  + " entries with root "
                  + Base64.getEncoder().encodeToString(p.checkpoint().root()));
      return 0;
    }
  }

  @Command(
      name = "checkpoint",
      mixinStandardHelpOptions = true,
      description =
          "Sign and store a checkpoint of the log as it is now, and print it (a C2SP signed note).")
  static final class MakeCheckpoint extends Sub {
    MakeCheckpoint(Main.Io io) {
      super(io);
    }

    @Override
    int run(CausalChain chain) {
      io.out().print(chain.ledger().checkpoint().note());
      return 0;
    }
  }

  @Command(
      name = "consistency",
      mixinStandardHelpOptions = true,
      description =
          "Prove that the log now extends the log of an earlier size (RFC 6962 consistency proof).")
  static final class Consistency extends Sub {
    @Parameters(paramLabel = "OLD_SIZE")
    long oldSize;

    Consistency(Main.Io io) {
      super(io);
    }

    @Override
    int run(CausalChain chain) {
      if (oldSize < 0 || oldSize > chain.size()) {
        io.err()
            .println(
                "error: the log has "
                    + chain.size()
                    + " entries; OLD_SIZE must be between 0 and that");
        return 1;
      }
      CausalChain.ConsistencyProof p = chain.consistency(oldSize);
      io.out()
          .println(
              "old size "
                  + p.oldSize()
                  + ", root "
                  + Base64.getEncoder().encodeToString(p.oldRoot()));
      p.proof().forEach(h -> io.out().println(Base64.getEncoder().encodeToString(h)));
      io.out().println();
      io.out().print(p.checkpoint().note());
      return p.verify() ? 0 : 1;
    }
  }

  @Command(
      name = "key",
      mixinStandardHelpOptions = true,
      description =
          "Print this node's verifier key: what others need to check its checkpoints, proofs and exports.")
  static final class Key extends Sub {
    Key(Main.Io io) {
      super(io);
    }

    @Override
    int run(CausalChain chain) {
      io.out().println(chain.ledger().key().verifier());
      return 0;
    }
  }

  /** A time option: an ISO instant, or a duration ago; a usage error otherwise. */
  static Instant when(CommandSpec spec, String text, String option) {
    if (text == null) {
      return null;
    }
    Duration ago = Fields.parseDuration(text);
    if (ago != null) {
      try {
        return Instant.now().minus(ago);
      } catch (DateTimeException | ArithmeticException e) {
        // issue 11: a huge duration was an internal error (exit 1), not a usage error
        throw new ParameterException(
            spec.commandLine(), option + ": '" + text + "' reaches before the earliest time");
      }
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          spec.commandLine(),
          option
              + ": '"
              + text
              + "' is neither an ISO instant (2026-11-21T10:00:00Z) nor a duration (10m, 2h)");
    }
  }
}
