package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Help, mistakes in command lines, and the completion script: what a user meets before anything
 * runs.
 */
class HelpTest {

  private static Result agora(String... args) {
    return CliTest.agora(args);
  }

  @Test
  void everyCommandAnswersHelpIncludingRemoveWithItsOwnVersionOption() {
    // issue 11: caps remove declares --version (a capability version), which cost it --help
    Result remove = agora("caps", "remove", "--help");
    assertThat(remove.exit()).isZero();
    assertThat(remove.out())
        .startsWith("Usage: agora caps remove")
        .contains("--version=V", "-h, --help");
    assertThat(agora("caps", "remove", "-h").out()).isEqualTo(remove.out());
    for (String[] cmd :
        new String[][] {
          {"run"},
          {"caps"},
          {"caps", "list"},
          {"caps", "show"},
          {"caps", "call"},
          {"caps", "add"},
          {"caps", "stats"},
          {"chain"},
          {"serve"},
          {"nodes"},
          {"mcp"},
          {"eval"},
          {"repl"},
          {"completion"}
        }) {
      String[] args = Arrays.copyOf(cmd, cmd.length + 1);
      args[cmd.length] = "--help";
      Result r = agora(args);
      assertThat(r.exit()).as(String.join(" ", cmd)).isZero();
      assertThat(r.out())
          .as(String.join(" ", cmd))
          .startsWith("Usage: agora " + String.join(" ", cmd));
    }
  }

  @Test
  void helpFollowsTheWholeCommandPath() {
    // issue 11: 'agora help caps remove' printed the help of 'caps'
    assertThat(agora("help", "caps", "remove").out())
        .isEqualTo(agora("caps", "remove", "--help").out());
    assertThat(agora("help", "caps").out()).isEqualTo(agora("caps", "--help").out());
    assertThat(agora("help").out()).isEqualTo(agora("--help").out());
    Result wrong = agora("help", "caps", "remvoe");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err())
        .startsWith("error: 'remvoe' is not a command of 'agora caps'; did you mean remove?");
  }

  @Test
  void unknownSubcommandsGetSuggestions() {
    Result r = agora("caps", "lsit");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "error: Unmatched argument at index 1: 'lsit'; did you mean list?\nsee: agora caps --help\n");
    assertThat(agora("chian").err())
        .startsWith("error: Unmatched argument at index 0: 'chian'; did you mean chain?");
    assertThat(agora("zzzzzz").err()).doesNotContain("did you mean");
    Result empty = agora("");
    assertThat(empty.exit()).isEqualTo(2);
    assertThat(empty.err()).startsWith("error: Unmatched argument").doesNotContain("did you mean");
  }

  @Test
  void aMissingConfigurationFileIsOneLineAndExitTwo() {
    // issue 11: it printed a raw Java exception
    Result r = agora("caps", "list", "--config", "no-such-agora.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: no-such-agora.yaml: no such file\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void theCompletionScriptCoversCommandsAndOptions() {
    Result r = agora("completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_agora", "caps", "remove", "--data-dir", "verify-export");
  }
}
