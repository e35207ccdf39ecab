package dev.agora.cli;

import dev.agora.core.PlanRunner;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.reader.Reader;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The read-eval-print loop. Input continues over several lines until its forms balance; an error is
 * printed and the session goes on; Ctrl-C at the prompt clears the line and during an evaluation
 * cancels it; Ctrl-D or {@code :quit} leaves. Definitions persist for the session. A line that is
 * one word starting with {@code :} is a command, never code: an unknown one is an error.
 */
final class Repl {

  private static final String HELP =
      """
      Enter RTFS forms; a form may span several lines. Definitions (def, defn) persist.
        :help      this text
        :globals   the names defined so far (builtins included)
        :quit      leave (Ctrl-D also works)
      Examples:
        (defn square [x] (* x x))
        (map square [1 2 3])
        (call :ccos.echo {:hello "world"})
      Every call goes through the marketplace's call path and is recorded in the Causal Chain.""";

  private final Terminal terminal;
  private final PlanRunner.Session session;
  private final Path history;

  Repl(Terminal terminal, PlanRunner.Session session, Path history) {
    this.terminal = terminal;
    this.session = session;
    this.history = history;
  }

  /** Runs until :quit or end of input; returns the exit code (0). */
  int run() {
    LineReaderBuilder b =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("agora")
            .parser(new FormParser())
            .variable(LineReader.SECONDARY_PROMPT_PATTERN, "%P  ... ");
    if (history != null) {
      b.variable(LineReader.HISTORY_FILE, history);
    }
    LineReader reader = b.build();
    PrintWriter out = terminal.writer();
    out.println("RTFS REPL — :help for help, :quit to leave");
    out.flush();
    while (true) {
      String input;
      try {
        input = reader.readLine("rtfs> ");
      } catch (UserInterruptException e) {
        continue;
      } catch (EndOfFileException e) {
        return 0;
      }
      String trimmed = input.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      if (trimmed.startsWith(":") && !trimmed.contains(" ")) {
        if (command(trimmed, out)) {
          return 0;
        }
        continue; // issue 11: a handled command fell through and was evaluated as code too
      }
      evaluate(input, out);
    }
  }

  /** Handles a REPL command; returns true to leave. */
  private boolean command(String cmd, PrintWriter out) {
    switch (cmd) {
      case ":quit", ":q", ":exit" -> {
        return true;
      }
      case ":help", ":h" -> out.println(HELP);
      case ":globals" -> out.println(String.join(" ", session.globalNames()));
      default -> out.println("error: unknown command " + cmd + "; :help lists the commands");
    }
    out.flush();
    return false;
  }

  private void evaluate(String input, PrintWriter out) {
    Terminal.SignalHandler previous = null;
    try {
      Thread caller = Thread.currentThread();
      previous = terminal.handle(Terminal.Signal.INT, s -> caller.interrupt());
      PlanRunner.Outcome o = Evaluator.onBigStack(() -> session.eval(input, "<repl>"));
      out.println(o.ok() ? Printer.print(o.value()) : "error: " + o.error().describe());
    } finally {
      terminal.handle(Terminal.Signal.INT, previous);
      Thread.interrupted(); // a Ctrl-C that arrived after the evaluation ended must not leak
    }
    out.flush();
  }

  /** Asks JLine for more lines while the input ends inside a form, string or comment. */
  private static final class FormParser implements Parser {
    private final DefaultParser words = new DefaultParser();

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) {
      if (context == ParseContext.ACCEPT_LINE && Reader.isIncomplete(line)) {
        throw new EOFError(-1, cursor, "incomplete form", "form");
      }
      return words.parse(line, cursor, context);
    }
  }
}
