package dev.agora.cli;

import dev.agora.rtfs.EditDistance;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code agora} command. Exit codes: 0 success, 1 the program or command failed (one {@code
 * error: …} line on stderr), 2 bad usage.
 */
@Command(
    name = "agora",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Agora: a governed capability marketplace for AI agents, with the RTFS plan language.")
public final class Main implements Runnable {

  /** Every command, in the order help lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          RunCommand.class,
          CapsCommand.class,
          ChainCommand.class,
          TrustCommand.class,
          DoctorCommand.class,
          ApprovalsCommand.class,
          VerifyCommand.class,
          ServeCommand.class,
          NodesCommand.class,
          McpCommand.class,
          EvalCommand.class,
          ReplCommand.class,
          CompletionCommand.class,
          HelpCommand.class);

  /** The commands that need no other to run, by name: all but help and completion. */
  private static final Map<String, Class<?>> ALONE = new HashMap<>();

  static {
    for (Class<?> c : COMMANDS) {
      if (c != HelpCommand.class && c != CompletionCommand.class) {
        ALONE.put(c.getAnnotation(Command.class).name(), c);
      }
    }
  }

  /** The process's streams, given to every command (tests pass their own). */
  record Io(InputStream in, PrintStream out, PrintStream err) {}

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private final Io io;

  Main(Io io) {
    this.io = io;
  }

  public static void main(String[] args) {
    // Child processes (stdio MCP servers) die with Agora, however it ends: the MCP provider's own
    // shutdown hook gives the command's orderly close a moment, then kills what is left of each
    // server's process tree (a hook here that sent SIGTERM at once failed the calls in flight
    // before they could be cancelled and recorded).
    System.exit(run(args, new Io(System.in, System.out, System.err)));
  }

  /** Runs one command line and returns its exit code. */
  static int run(String[] args, Io io) {
    CommandLine cli = new CommandLine(new Main(io), new Factory(io));
    // picocli builds the model of each command it is given, by reflection (~0.3 s for them all):
    // a command line naming one is given that one alone; help, completion, no command or a
    // mistake get them all, to list them or to suggest the nearest
    Class<?> named = args.length > 0 ? ALONE.get(args[0]) : null;
    for (Class<?> c : COMMANDS) {
      if (named == null || c == named) {
        cli.addSubcommand(c);
      }
    }
    cli.setOut(new PrintWriter(io.out(), true));
    cli.setErr(new PrintWriter(io.err(), true));
    cli.setParameterExceptionHandler(
        (e, args2) -> {
          String hint =
              e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                  ? didYouMean(
                      u.getUnmatched().getFirst(), e.getCommandLine().getSubcommands().keySet())
                  : "";
          io.err().println("error: " + e.getMessage() + hint);
          io.err().println("see: agora " + commandPath(e.getCommandLine()) + "--help");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          io.err().println("error: " + e.getMessage());
          return 1;
        });
    return cli.execute(args);
  }

  /** "; did you mean X?" for the names within edit distance 2 of {@code word}, or nothing. */
  static String didYouMean(String word, Collection<String> names) {
    List<String> near =
        names.stream()
            .filter(
                n ->
                    EditDistance.distance(word, n, 3) <= 2 || n.startsWith(word) && !word.isEmpty())
            .sorted()
            .toList();
    return near.isEmpty() ? "" : "; did you mean " + String.join(", ", near) + "?";
  }

  private static String commandPath(CommandLine cmd) {
    String path = "";
    for (CommandLine c = cmd; c.getParent() != null; c = c.getParent()) {
      path = c.getCommandName() + " " + path;
    }
    return path;
  }

  @Override
  public void run() {
    spec.commandLine().usage(io.out());
  }

  /**
   * Builds commands with the process's streams: every command class with an {@code (Io)}
   * constructor gets them.
   */
  private record Factory(Io io) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        var ctor = cls.getDeclaredConstructor(Io.class);
        return ctor.newInstance(io);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  /** The version from the jar's manifest ({@code dev} when running from classes). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {
        "agora " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"
      };
    }
  }
}
