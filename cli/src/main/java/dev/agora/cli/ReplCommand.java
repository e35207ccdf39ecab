package dev.agora.cli;

import dev.agora.core.config.RtfsSection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code agora repl}: an interactive RTFS session. */
@Command(
    name = "repl",
    mixinStandardHelpOptions = true,
    description = {
      "Start an interactive RTFS session (line editing, history, multi-line forms).",
      "Type :help for commands, :quit or Ctrl-D to leave."
    })
final class ReplCommand implements Callable<Integer> {

  @Option(names = "--no-history", description = "Do not read or write ~/.agora_history.")
  boolean noHistory;

  @Mixin MarketplaceOptions options;

  private final Main.Io io;

  ReplCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    return Commands.withMarketplace(
        options,
        io,
        s -> {
          try {
            return session(s);
          } catch (IOException e) {
            io.err().println("error: cannot open the terminal: " + e.getMessage());
            return 1;
          }
        });
  }

  /**
   * The loop on a session of the marketplace: every call governed and recorded, definitions kept.
   */
  private int session(MarketplaceOptions.Started s) throws IOException {
    boolean interactive = System.console() != null && io.in() == System.in;
    TerminalBuilder tb = TerminalBuilder.builder().name("agora");
    if (interactive) {
      tb = tb.system(true);
    } else { // piped input is not typed: a plain terminal that does not print it back
      Attributes quiet = new Attributes();
      quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
      tb = tb.system(false).streams(io.in(), io.out()).type(Terminal.TYPE_DUMB).attributes(quiet);
    }
    try (Terminal terminal = tb.build()) {
      Path history = noHistory ? null : Path.of(System.getProperty("user.home"), ".agora_history");
      return new Repl(
              terminal,
              s.marketplace()
                  .session(s.context(), RtfsSection.of(s.marketplace().config()), io.out()),
              history)
          .run();
    }
  }
}
