package dev.agora.cli;

import dev.agora.core.trust.Keys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agora trust …}: the keys of capability passports (docs/SECURITY.md, "Trust"). */
@Command(
    name = "trust",
    mixinStandardHelpOptions = true,
    description = "Make the keys that sign capability passports.",
    subcommands = {TrustCommand.Keygen.class})
final class TrustCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code agora trust keygen --out DIR [--name NAME]}. */
  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = {
        "Write a new Ed25519 authority key pair: DIR/NAME.key (private, mode 0600) and DIR/NAME.pub.",
        "Sign manifests with the .key ('agora caps sign'); trust the .pub in agora.yaml's trust:"
            + " section. Existing files are never replaced."
      })
  static final class Keygen implements Callable<Integer> {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "The directory to write the key pair to.")
    Path out;

    @Option(
        names = "--name",
        paramLabel = "NAME",
        defaultValue = "authority",
        description = "The files' base name (default: ${DEFAULT-VALUE}).")
    String name;

    private final Main.Io io;

    Keygen(Main.Io io) {
      this.io = io;
    }

    @Override
    public Integer call() {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
        io.err().println("error: --name must be a plain file name (letters, digits, . _ -)");
        return 2;
      }
      try {
        Keys.Written w = Keys.generate(out, name);
        io.out().println("private key: " + w.privateKey() + " (keep it secret; mode 0600)");
        io.out().println("public key:  " + w.publicKey());
        return 0;
      } catch (IOException e) {
        io.err().println("error: cannot write the key pair: " + e.getMessage());
        return 1;
      }
    }
  }
}
