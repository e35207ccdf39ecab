package dev.agora.cli;

import dev.agora.rtfs.Interpreter;
import dev.agora.rtfs.SimpleHost;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agora repl}: an interactive RTFS session. */
@Command(name = "repl", mixinStandardHelpOptions = true,
    description = {"Start an interactive RTFS session (line editing, history, multi-line forms).",
        "Type :help for commands, :quit or Ctrl-D to leave."})
final class ReplCommand implements Callable<Integer> {

  @Option(names = "--no-history", description = "Do not read or write ~/.agora_history.")
  boolean noHistory;

  private final Main.Io io;

  ReplCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public Integer call() throws IOException {
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
      Interpreter rtfs = Interpreter.builder().host(SimpleHost.demo()).out(io.out()).build();
      return new Repl(terminal, rtfs, history).run();
    }
  }
}
