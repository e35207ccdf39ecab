package dev.agora.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.approval.ApprovalSettings;
import dev.agora.core.call.policy.ArgumentRule;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.spi.Store;
import dev.agora.core.store.MemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora.yaml's argument-aware rules ({@code policy.rules}) and {@code approvals:} section. */
class RulesAndApprovalsConfigTest {

  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void rules_are_read_in_order_and_compiled_at_load() throws IOException {
    AgoraConfig c =
        ConfigLoader.load(
            write(
                """
        policy:
          rules:
            - {capabilities: "fs.*", when: "!args.path.startsWith('/srv/')", action: deny, reason: "outside /srv"}
            - {capabilities: "shop.orders.*", when: "args.total > 1000", action: require_approval}
        """));
    assertThat(c.policy().rules())
        .extracting(ArgumentRule::toString)
        .containsExactly("policy.rules[0] 'outside /srv'", "policy.rules[1] 'args.total > 1000'");
    assertThat(c.policy().rules())
        .extracting(ArgumentRule::action)
        .containsExactly(ArgumentRule.Action.DENY, ArgumentRule.Action.REQUIRE_APPROVAL);
    assertThat(ConfigLoader.load(write("policy: {}\n")).policy().rules()).isEmpty();
  }

  @Test
  void a_bad_rule_is_a_config_error_with_its_line() throws IOException {
    Path bad =
        write(
            """
        policy:
          rules:
            - {capabilities: "fs.*", when: "args.path +", action: deny}
            - {capabilities: "fs.*", when: "capability > 3", action: deny}
            - {capabilities: "fs.*", when: "true", action: allow, colour: red}
            - {when: "true"}
            - capabilities: "fs.*"
              action: deny
              when: |
                args.a &&
                  args.b ==
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(bad));
    assertThat(e.problems())
        .extracting(
            p ->
                p.toString()
                    .replace(bad.toString(), "agora.yaml")
                    .replaceAll(" \\(candidates: .*", " (candidates …)"))
        .containsExactly(
            "agora.yaml:3: policy.rules[0].when: not a valid CEL condition: column 12: mismatched"
                + " input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null',"
                + " NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}",
            "agora.yaml:4: policy.rules[1].when: not a valid CEL condition: column 12: found no"
                + " matching overload for '_>_' applied to '(string, int)' (candidates …)",
            "agora.yaml:5: policy.rules[2].action: 'allow' is not an action; use deny or"
                + " require_approval",
            "agora.yaml:5: policy.rules[2].colour: unknown key 'colour'; known keys are"
                + " capabilities, when, action, reason",
            "agora.yaml:6: policy.rules[3]: missing required field 'capabilities'",
            "agora.yaml:6: policy.rules[3]: missing required field 'action'",
            "agora.yaml:9: policy.rules[4].when: not a valid CEL condition: line 3, column 1:"
                + " mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true',"
                + " 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
  }

  @Test
  void ttl_and_wait_with_defaults() throws IOException {
    assertThat(ApprovalsSection.of(AgoraConfig.defaults())).isEqualTo(ApprovalSettings.DEFAULTS);
    assertThat(ApprovalSettings.DEFAULTS)
        .isEqualTo(new ApprovalSettings(Duration.ofHours(1), Duration.ZERO));
    assertThat(ApprovalsSection.of(ConfigLoader.load(write("approvals: {ttl: 15m, wait: 30s}\n"))))
        .isEqualTo(new ApprovalSettings(Duration.ofMinutes(15), Duration.ofSeconds(30)));
    assertThat(ApprovalsSection.of(ConfigLoader.load(write("approvals: {wait: 0s}\n"))))
        .isEqualTo(ApprovalSettings.DEFAULTS);
    assertThat(ApprovalsSection.of(ConfigLoader.load(write("approvals: {ttl: 2h}\n"))))
        .isEqualTo(new ApprovalSettings(Duration.ofHours(2), Duration.ZERO));
  }

  @Test
  void bad_settings_are_problems_with_their_line() throws IOException {
    Path bad = write("approvals:\n  ttl: forever\n  wait: soon\n  quorum: 2\n");
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(bad));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(bad.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: approvals.ttl: expected a positive duration such as \"500ms\", \"30s\""
                + " or \"5m\", found \"forever\" (string)",
            "agora.yaml:3: approvals.wait: expected a positive duration such as \"500ms\", \"30s\""
                + " or \"5m\", found \"soon\" (string)",
            "agora.yaml:4: approvals.quorum: unknown key 'quorum'; known keys are ttl, wait");
  }

  @Test
  void the_memory_store_keeps_approvals() {
    try (Store s = new MemoryStore()) {
      assertThat(s.approvals()).isSameAs(s.approvals());
      assertThat(s.approvals().all()).isEmpty();
    }
  }
}
