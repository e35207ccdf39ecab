package dev.agora.cli;

import dev.agora.chain.event.EventSink;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.Receipted;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.registry.Query;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code agora caps list|show|call}: the registry from the command line. */
@Command(
    name = "caps",
    mixinStandardHelpOptions = true,
    description = "List, inspect and call capabilities.",
    subcommands = {
      CapsCommand.ListCaps.class,
      CapsCommand.ShowCap.class,
      CapsCommand.CallCap.class,
      CapsCommand.AddCaps.class,
      CapsCommand.RemoveCap.class,
      SignCommand.class,
      PinCommands.Pin.class,
      PinCommands.Diff.class,
      PinCommands.Approve.class,
      StatsCommand.class
    })
final class CapsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code agora caps list [PATTERN] [--effect E] [--text WORDS] [--json]}: one line per
   * capability, ending in where it came from ({@link Commands#origin}).
   */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List capabilities: id, version, provider, effects, description.")
  static final class ListCaps implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        arity = "0..1",
        paramLabel = "PATTERN",
        description = "An id pattern such as 'ccos.*' (anchored).")
    String pattern;

    @Option(
        names = "--effect",
        paramLabel = "EFFECT",
        description = "Only capabilities with this effect (pure for none).")
    String effect;

    @Option(
        names = "--text",
        paramLabel = "WORDS",
        description = "Only capabilities whose id, name or description has these words.")
    String text;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(
        names = "--quarantined",
        description =
            "List the quarantined definitions instead: pinned ones that changed (trust.pinning).")
    boolean quarantined;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    ListCaps(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      Glob glob;
      try {
        glob = pattern == null ? null : Glob.of(pattern);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            if (quarantined) {
              return PinCommands.listQuarantined(s.marketplace(), glob, io);
            }
            List<CapabilityManifest> found =
                s.marketplace()
                    .registry()
                    .search(new Query(glob, null, effect, text, Integer.MAX_VALUE));
            if (json) {
              io.out()
                  .println(
                      Json.write(Vec.of(found.stream().map(m -> (Value) m.toValue()).toList())));
              return 0;
            }
            int width = found.stream().mapToInt(m -> m.id().length()).max().orElse(2);
            for (CapabilityManifest m : found) {
              io.out()
                  .printf(
                      "%-" + width + "s  %-8s  %-7s  %-18s  %s  [%s]%n",
                      m.id(),
                      m.version(),
                      m.provider().type(),
                      m.isPure() ? "pure" : String.join(",", m.effects()),
                      m.description(),
                      Commands.origin(m));
            }
            if (found.isEmpty()) {
              io.err().println("no capabilities match");
            }
            return 0;
          });
    }
  }

  /** {@code agora caps show ID [--json]}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show one capability's manifest.")
  static final class ShowCap implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The capability id.")
    String id;

    @Option(names = "--json", description = "Print the manifest as JSON.")
    boolean json;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    ShowCap(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            CapabilityManifest m = s.marketplace().registry().get(id);
            if (m == null) {
              String refused = refusal(s.marketplace().registry(), id);
              if (refused != null) {
                io.err().println("error: " + refused);
                return 1;
              }
              List<String> near = s.marketplace().registry().suggest(id, 3);
              io.err()
                  .println(
                      "error: NotFound: no capability '"
                          + id
                          + "'"
                          + (near.isEmpty()
                              ? ""
                              : "; did you mean " + String.join(", ", near) + "?"));
              return 1;
            }
            if (json) {
              io.out().println(Json.write(m.toValue()));
              return 0;
            }
            io.out().println(Commands.describe(m, s.marketplace().trust().configured()));
            io.out().println(Commands.pad("isolation") + s.marketplace().isolation(m));
            return 0;
          });
    }
  }

  /**
   * Why the last refused version of {@code id} was refused — {@code Untrusted: …}, {@code
   * Quarantined: …}, {@code Isolation: …} — or null.
   */
  static String refusal(Registry registry, String id) {
    List<Registry.Refused> refused = registry.refused(id);
    if (refused.isEmpty()) {
      return null;
    }
    Registry.Refusal why = refused.getLast().refusal();
    return why.kind() + ": " + why.why();
  }

  /**
   * {@code agora caps call ID 'ARGS'}: ARGS that are a valid JSON document are JSON ({@code {"a":
   * 1}}), anything else RTFS ({@code {:a 1}}); {@code --json} or {@code --rtfs} decides instead.
   */
  @Command(
      name = "call",
      mixinStandardHelpOptions = true,
      description = {
        "Call a capability through the governed call path and print its result.",
        "ARGS that are a valid JSON document are JSON ({\"city\": \"Oslo\"}), anything else RTFS "
            + "({:city \"Oslo\"}); none means nil. --json or --rtfs decides instead."
      })
  static final class CallCap implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The capability id.")
    String id;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "ARGS",
        description = "The input, in RTFS or JSON.")
    String args;

    @Option(names = "--json", description = "ARGS are JSON, and the result is printed as JSON.")
    boolean json;

    @Option(names = "--rtfs", description = "ARGS are RTFS (even when they are also valid JSON).")
    boolean rtfs;

    @Option(names = "--trace", description = "Print the call's events to stderr.")
    boolean trace;

    @Option(
        names = "--receipt",
        paramLabel = "FILE",
        description =
            "Write the call's receipt here (issue 14; check it with 'agora verify receipt'); with"
                + " receipts.mode batched it is completed by an inclusion proof.")
    Path receipt;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    CallCap(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      Value input = input();
      EventSink sink = trace ? new EventTrace(io.err()) : EventSink.NONE;
      return Commands.withMarketplace(
          options,
          io,
          sink,
          s -> {
            try {
              CallRequest r = CallRequest.of(id, input, s.context());
              if (receipt == null) {
                print(s.marketplace().call(r));
                return 0;
              }
              Receipted out = s.marketplace().callWithReceipt(r);
              print(out.result());
              return Receipts.write(s.node(), out.receipt(), receipt, io) ? 0 : 1;
            } catch (AgoraError e) {
              io.err().println("error: " + e.kind() + ": " + e.getMessage());
              return 1;
            }
          });
    }

    private void print(Value result) {
      io.out().println(json ? Json.write(result) : Printer.print(result));
    }

    /**
     * JSON first: {@code {"a":2}} is also RTFS, but with the keywords {@code :2} — a JSON document
     * means what JSON says. Anything that is not JSON is read as RTFS.
     */
    private Value input() {
      if (json && rtfs) {
        throw new ParameterException(spec.commandLine(), "--json and --rtfs exclude each other");
      }
      if (args == null || args.isBlank()) {
        return Value.NIL;
      }
      JsonException notJson = null;
      if (!rtfs) {
        try {
          return Json.parse(args);
        } catch (JsonException e) {
          if (json) {
            throw new ParameterException(
                spec.commandLine(), "ARGS are not JSON: " + e.getMessage());
          }
          notJson = e;
        }
      }
      try {
        return Reader.readValue(args);
      } catch (RtfsError e) {
        throw new ParameterException(
            spec.commandLine(),
            notJson == null
                ? "ARGS are not RTFS: " + e.getMessage()
                : "ARGS are neither JSON ("
                    + notJson.getMessage()
                    + ") nor RTFS ("
                    + e.getMessage()
                    + ")");
      }
    }
  }

  /**
   * {@code agora caps add FILE...}: register manifests at runtime; the store keeps them across
   * restarts.
   */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = {
        "Register the manifests in FILEs (JSON, YAML or RTFS) with this node.",
        "They are kept in the node's store and are there after a restart, until 'agora caps remove'."
      })
  static final class AddCaps implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE")
    List<Path> files;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    AddCaps(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            int bad = 0;
            for (Path f : files) {
              Manifests.LoadResult r = Manifests.load(f);
              r.problems().forEach(p -> io.err().println("error: " + p));
              bad += r.problems().size();
              for (CapabilityManifest m : r.manifests()) {
                var change = s.marketplace().register(m, "cli " + f.getFileName());
                if (change == Registry.Change.REFUSED) {
                  io.err()
                      .println(
                          "refused "
                              + m.id()
                              + " "
                              + m.version()
                              + ": "
                              + s.marketplace().registry().refusal(m.id(), m.version()));
                  bad++;
                  continue;
                }
                io.out()
                    .println(
                        change.name().toLowerCase(Locale.ROOT) + " " + m.id() + " " + m.version());
              }
            }
            return bad == 0 ? 0 : 1;
          });
    }
  }

  /**
   * {@code agora caps remove ID [--version V]}. Its {@code --version} takes a capability version,
   * so it has {@code -h/--help} of its own instead of the standard pair: picocli drops both
   * standard options when a command declares one of their names (the program's version is {@code
   * agora -V}).
   */
  @Command(
      name = "remove",
      description = "Remove a capability (every version, or one) from this node and its store.")
  static final class RemoveCap implements Callable<Integer> {
    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show this help message and exit.")
    boolean help;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--version", paramLabel = "V", description = "Only this version.")
    String version;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    RemoveCap(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            if (!s.marketplace().unregister(id, version)) {
              io.err()
                  .println(
                      "error: NotFound: no capability '"
                          + id
                          + "'"
                          + (version == null ? "" : " " + version));
              return 1;
            }
            io.out().println("removed " + id + (version == null ? "" : " " + version));
            return 0;
          });
    }
  }
}
