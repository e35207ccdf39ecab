package dev.agora.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code agora completion}: a bash (and zsh) completion script for every command and option. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a completion script for bash and zsh.",
      "Use: source <(agora completion)"
    })
final class CompletionCommand implements Runnable {

  @Spec CommandSpec spec;

  private final Main.Io io;

  CompletionCommand(Main.Io io) {
    this.io = io;
  }

  @Override
  public void run() {
    io.out().print(AutoComplete.bash("agora", spec.root().commandLine()));
  }
}
