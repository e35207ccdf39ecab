package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agora approvals: each command opens the node anew, as separate processes would, so the approvals
 * go through the SQLite store between the call that asks and the operator who decides.
 */
class ApprovalsCommandTest {

  private static final Pattern ID = Pattern.compile("approval required: ([0-9a-f]+) \\(");

  @TempDir Path dir;
  private String config;

  @BeforeEach
  void setUp() throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(
        f,
        """
        policy:
          rules:
            - {capabilities: "ccos.math.add", when: "true", action: require_approval}
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.*"]}
        default_context: operator
        """);
    config = f.toString();
  }

  private Result agora(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--config";
    all[args.length + 1] = config;
    return CliTest.withData(dir.resolve("data"), "", all);
  }

  private String askFor(String args) {
    Result r = agora("caps", "call", "ccos.math.add", args);
    assertThat(r.exit()).as(r.out()).isEqualTo(1);
    Matcher m = ID.matcher(r.err());
    assertThat(m.find()).as(r.err()).isTrue();
    assertThat(r.err()).startsWith("error: AccessDenied: approval required: " + m.group(1));
    return m.group(1);
  }

  @Test
  void a_call_waits_for_an_operator_in_another_process_and_runs_once() {
    String id = askFor("[1 2]");
    Result list = agora("approvals", "list");
    assertThat(list.out())
        .startsWith(id + "  pending   ccos.math.add  by operator  expires ")
        .contains("(policy.rules[0] 'true')  [1,2]");
    Result approved = agora("approvals", "approve", id);
    assertThat(approved.exit()).as(approved.err()).isZero();
    assertThat(approved.out()).isEqualTo("approved " + id + ": ccos.math.add [1,2] for operator\n");
    assertThat(agora("caps", "call", "ccos.math.add", "[1 2]").out()).isEqualTo("3\n");
    String again = askFor("[1 2]");
    assertThat(again).isNotEqualTo(id);
    Result used = agora("approvals", "approve", id);
    assertThat(used.exit()).isEqualTo(1);
    assertThat(used.err()).isEqualTo("error: approval " + id + " was already used\n");
    assertThat(agora("approvals", "list", "--all").out())
        .contains(id + "  used ")
        .contains(again + "  pending ");
    Result shown = agora("chain", "show", "--type", "ApprovalUsed");
    assertThat(shown.out()).contains("used approval " + id + " of ccos.math.add (operator)");
  }

  @Test
  void a_denied_call_fails_with_the_reason_and_only_a_full_context_decides() {
    String id = askFor("[5 5]");
    Result agent = agora("approvals", "approve", "--as", "agent", id);
    assertThat(agent.exit()).isEqualTo(1);
    assertThat(agent.err())
        .isEqualTo(
            "error: context 'agent' may not decide approvals; use a context with level full"
                + " (--as)\n");
    Result denied = agora("approvals", "deny", id, "--reason", "not today");
    assertThat(denied.out()).isEqualTo("denied " + id + ": ccos.math.add [5,5] for operator\n");
    Result call = agora("caps", "call", "ccos.math.add", "[5 5]");
    assertThat(call.exit()).isEqualTo(1);
    assertThat(call.err()).contains("approval " + id + " was denied by operator: not today");
    assertThat(agora("approvals", "approve", id).err())
        .isEqualTo("error: approval " + id + " was already denied by operator\n");
    assertThat(agora("approvals", "deny", "nope", "--reason", "x").err())
        .isEqualTo("error: no approval 'nope'\n");
    Result none = agora("approvals", "list");
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).isEqualTo("no pending approvals\n");
    assertThat(agora("approvals", "deny", id).exit()).as("--reason is required").isEqualTo(2);
  }

  @Test
  void approvals_without_a_subcommand_prints_its_usage() {
    assertThat(CliTest.withInput("", "approvals").out())
        .contains("approve")
        .contains("deny")
        .contains("list");
  }
}
