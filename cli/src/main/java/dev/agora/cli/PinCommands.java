package dev.agora.cli;

import dev.agora.core.Marketplace;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Glob;
import dev.agora.core.registry.Registry;
import dev.agora.core.trust.Pinning;
import dev.agora.core.trust.Pins;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agora caps pin | diff | approve} and {@code caps list --quarantined}: pinned definitions
 * and their quarantine (trust.pinning; docs/SECURITY.md, "Pinning").
 */
final class PinCommands {

  private PinCommands() {}

  /** {@code caps list --quarantined [PATTERN]}: one line per quarantined definition, with why. */
  static int listQuarantined(Marketplace m, Glob glob, Main.Io io) {
    int n = 0;
    for (Registry.Refused r : m.registry().refusals().values()) {
      CapabilityManifest c = r.manifest();
      if (r.refusal().quarantined() && (glob == null || glob.matches(c.id()))) {
        io.out().println(c.id() + "  " + c.version() + "  " + r.refusal().why());
        n++;
      }
    }
    if (n == 0) {
      io.err().println("nothing is quarantined");
    }
    return 0;
  }

  private static boolean pinningOff(Marketplace m, Main.Io io) {
    if (m.pins().pinning().mode() == Pinning.Mode.OFF) {
      io.err()
          .println(
              "error: pinning is off: set trust.pinning.mode to tofu or lock in agora.yaml to pin"
                  + " definitions");
      return true;
    }
    return false;
  }

  /** {@code agora caps pin}: writes the lock file. */
  @Command(
      name = "pin",
      mixinStandardHelpOptions = true,
      description = {
        "Pin every definition this node has (but its own code) in the lock file"
            + " (trust.pinning.lock_file, agora.lock): sorted, diff-friendly, to be committed.",
        "Quarantined definitions keep their old pin: approve them with 'agora caps approve'."
      })
  static final class Pin implements Callable<Integer> {
    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    Pin(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            Marketplace m = s.marketplace();
            if (pinningOff(m, io)) {
              return 1;
            }
            int n = m.pinAll();
            io.out().println("pinned " + n + " definitions in " + m.pins().pinning().lockFile());
            return 0;
          });
    }
  }

  /** {@code agora caps diff ID}: the pinned definition against the quarantined one. */
  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = "Show how a quarantined definition differs from its pin (YAML, line by line).")
  static final class Diff implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The capability id.")
    String id;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    Diff(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            List<Registry.Refused> q = quarantined(s.marketplace(), id);
            if (q.isEmpty()) {
              io.err().println("error: '" + id + "' is not quarantined");
              return 1;
            }
            for (Registry.Refused r : q) {
              CapabilityManifest now = r.manifest();
              Pins.Pin pin = s.marketplace().pins().pinned(now.id(), now.version());
              io.out().println("--- " + id + " " + now.version() + " pinned " + pin.digest());
              io.out().println("+++ " + id + " " + now.version() + " now    " + Pins.digest(now));
              io.out()
                  .print(
                      LineDiff.unified(
                          yaml(pin.definition()), yaml(now.toValue().dissoc(ATTESTATION))));
            }
            return 0;
          });
    }

    private static final dev.agora.rtfs.Value ATTESTATION =
        dev.agora.rtfs.Value.keyword("attestation");

    private static String yaml(dev.agora.rtfs.Value definition) {
      return Documents.write(Pins.readable(definition), Documents.Format.YAML);
    }
  }

  private static List<Registry.Refused> quarantined(Marketplace m, String id) {
    return m.registry().refused(id).stream().filter(r -> r.refusal().quarantined()).toList();
  }

  /** {@code agora caps approve ID [--by NAME]}: re-pins the quarantined definition. */
  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description =
          "Approve a quarantined definition: pin it as it is now and make it callable again;"
              + " recorded with who approved.")
  static final class Approve implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The capability id.")
    String id;

    @Option(
        names = "--by",
        paramLabel = "NAME",
        description = "Who approves (default: the USER environment variable).")
    String by;

    @Mixin MarketplaceOptions options;

    private final Main.Io io;

    Approve(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      String who = by != null ? by : System.getenv().getOrDefault("USER", "unknown");
      return Commands.withMarketplace(
          options,
          io,
          s -> {
            List<String> versions = s.marketplace().approve(id, who);
            if (versions.isEmpty()) {
              io.err().println("error: '" + id + "' is not quarantined");
              return 1;
            }
            versions.forEach(v -> io.out().println("approved " + id + " " + v + " by " + who));
            return 0;
          });
    }
  }
}
