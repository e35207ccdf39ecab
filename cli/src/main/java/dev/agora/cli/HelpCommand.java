package dev.agora.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code agora help [COMMAND...]}: the help of any command however deep — {@code agora help caps
 * remove} shows remove's, where picocli's own help command stops at the first word.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = "Show the help of a command, e.g. 'agora help caps remove'.")
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "The command and its subcommands.")
  List<String> path = List.of();

  private CommandLine self;
  private PrintWriter out;

  @Override
  public void init(
      CommandLine helpCommandLine,
      CommandLine.Help.ColorScheme colors,
      PrintWriter out,
      PrintWriter err) {
    this.self = helpCommandLine;
    this.out = out;
  }

  @Override
  public void run() {
    CommandLine command = self.getParent();
    for (String name : path) {
      CommandLine sub = command.getSubcommands().get(name);
      if (sub == null) {
        throw new CommandLine.ParameterException(
            self,
            "'"
                + name
                + "' is not a command of '"
                + command.getCommandSpec().qualifiedName()
                + "'"
                + Main.didYouMean(name, command.getSubcommands().keySet()));
      }
      command = sub;
    }
    command.usage(out);
  }
}
