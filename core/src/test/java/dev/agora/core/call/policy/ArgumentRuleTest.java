package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.core.TestClock;
import dev.agora.core.call.policy.ArgumentRule.Action;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.reader.Reader;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgumentRuleTest {

  private static final Instant NOON = Instant.parse("2026-06-03T12:00:00Z");
  private final SecurityContext bob =
      new SecurityContext(
          "bob", SecurityContext.Level.CONTROLLED, List.of(), null, Set.of("fs.read", "audit"));

  private static boolean holds(String when, String args, SecurityContext caller) {
    return Condition.compile(when)
        .test(Condition.variables("fs.read", Reader.readValue(args), caller, NOON));
  }

  private boolean holds(String when, String args) {
    return holds(when, args, bob);
  }

  @Test
  void conditions_see_the_arguments_the_caller_the_time_and_the_capability() {
    assertThat(holds("!args.path.startsWith('/srv/')", "{:path \"/etc/passwd\"}")).isTrue();
    assertThat(holds("!args.path.startsWith('/srv/')", "{:path \"/srv/a\"}")).isFalse();
    assertThat(holds("args.total > 1000", "{:total 1000.5}")).as("int against double").isTrue();
    assertThat(holds("args.total > 1000", "{:total 999}")).isFalse();
    assertThat(
            holds(
                "args.items.size() == 2 && args.items[1].sku == 'b'",
                "{:items [{:sku \"a\"} {:sku \"b\"}]}"))
        .isTrue();
    assertThat(holds("has(args.note) && args.note == null", "{:note nil}")).isTrue();
    assertThat(holds("args.flag && args.kind == 'k'", "{:flag true :kind :k}")).isTrue();
    assertThat(holds("args.size() == 0", "nil")).as("no map: no arguments").isTrue();
    assertThat(holds("args['1'] == 'one'", "{1 \"one\"}")).as("other keys as printed").isTrue();
    assertThat(
            holds(
                "caller.identity == 'bob' && caller.level == 'controlled'"
                    + " && 'audit' in caller.permissions",
                "{}"))
        .isTrue();
    assertThat(holds("caller.tenant == ''", "{}")).as("bob is in no tenant").isTrue();
    SecurityContext acmeBob = bob.in(new SecurityContext.Tenant("acme", List.of()));
    assertThat(
            holds(
                "caller.tenant == 'acme' && caller.identity == 'acme:bob'"
                    + " && caller.identity.endsWith(':bob')",
                "{}",
                acmeBob))
        .isTrue();
    assertThat(holds("capability == 'fs.read'", "{}")).isTrue();
    assertThat(holds("now == timestamp('2026-06-03T12:00:00Z')", "{}")).isTrue();
    assertThat(holds("now.getHours('Europe/Oslo') == 14", "{}")).isTrue();
  }

  @Test
  void syntax_and_type_errors_are_found_at_compile_time_with_their_column() {
    assertThatThrownBy(() -> Condition.compile("args.path +"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid CEL condition: column 12: mismatched input '<EOF>'");
    assertThatThrownBy(() -> Condition.compile("capability > 3"))
        .hasMessageStartingWith(
            "not a valid CEL condition: column 12: found no matching overload for '_>_'");
    assertThatThrownBy(() -> Condition.compile("1 + 2"))
        .hasMessageContaining("expected type 'bool' but found 'int'");
    assertThatThrownBy(() -> Condition.compile("user == 'x'"))
        .hasMessageContaining("column 1: undeclared reference to 'user'");
    assertThatThrownBy(() -> Condition.compile("true &&\n  (args.x ==)"))
        .hasMessageStartingWith("not a valid CEL condition: line 2, column 13:");
  }

  @Test
  void an_expression_that_fails_at_run_time_is_an_evaluation_error_not_a_crash() {
    assertThatThrownBy(() -> holds("args.path.startsWith('/srv/')", "{:file \"x\"}"))
        .isInstanceOf(Condition.EvaluationError.class)
        .hasMessage(
            "'args.path.startsWith('/srv/')' could not be evaluated: evaluation error at character 4:"
                + " key 'path' is not present in map.");
    assertThatThrownBy(() -> holds("args.path.startsWith('/srv/')", "{:path 3}"))
        .isInstanceOf(Condition.EvaluationError.class)
        .hasMessageContaining("No matching overload for function 'startsWith'");
    assertThatThrownBy(() -> holds("args.flag", "{:flag \"yes\"}"))
        .isInstanceOf(Condition.EvaluationError.class)
        .hasMessage("'args.flag' gave yes, not a bool");
    assertThat(Condition.compile("args.flag")).hasToString("args.flag");
  }

  @Test
  void actions_are_named_as_written() {
    assertThat(Action.of("deny")).isEqualTo(Action.DENY);
    assertThat(Action.of("require_approval")).isEqualTo(Action.REQUIRE_APPROVAL);
    assertThat(Action.of("allow")).isNull();
    ArgumentRule quoted = ArgumentRule.of("fs.*", "args.x", Action.DENY, null, "policy.rules[3]");
    assertThat(quoted).hasToString("policy.rules[3] 'args.x'");
    assertThat(quoted.appliesTo("fs.read")).isTrue();
    assertThat(quoted.appliesTo("shop.buy")).isFalse();
  }

  private final CapabilityManifest fsRead = CapabilityManifest.builder("fs.read").build();

  private ArgumentRule check(IsolationPolicy p, String args) {
    return new Authorize(() -> new PolicyEngine(p), new TestClock(NOON))
        .checkArguments(fsRead, Reader.readValue(args), bob);
  }

  @Test
  void deny_wins_an_evaluation_error_denies_and_approval_is_the_first_that_holds() {
    ArgumentRule outside =
        ArgumentRule.of(
            "fs.*",
            "!args.path.startsWith('/srv/')",
            Action.DENY,
            "outside /srv",
            "policy.rules[0]");
    ArgumentRule big =
        ArgumentRule.of("fs.*", "args.size > 10", Action.REQUIRE_APPROVAL, null, "policy.rules[1]");
    ArgumentRule huge =
        ArgumentRule.of(
            "fs.*", "args.size > 100", Action.REQUIRE_APPROVAL, "huge", "policy.rules[2]");
    ArgumentRule other = ArgumentRule.of("shop.*", "true", Action.DENY, null, "policy.rules[3]");
    IsolationPolicy p = IsolationPolicy.allowAll().withRules(big, huge, outside, other);

    assertThat(check(p, "{:path \"/srv/a\" :size 1}")).isNull();
    assertThat(check(IsolationPolicy.allowAll(), "{}")).isNull();
    assertThat(check(p, "{:path \"/srv/a\" :size 500}")).isEqualTo(big);
    AgoraError.AccessDenied denied =
        catchThrowableOfType(
            AgoraError.AccessDenied.class, () -> check(p, "{:path \"/etc\" :size 500}"));
    assertThat(denied.rule()).isEqualTo("policy.rules[0] 'outside /srv'");
    assertThat(denied)
        .hasMessage("capability 'fs.read' is denied by policy.rules[0] 'outside /srv'");
    AgoraError.AccessDenied failed =
        catchThrowableOfType(AgoraError.AccessDenied.class, () -> check(p, "{:path \"/srv/a\"}"));
    assertThat(failed.rule()).isEqualTo("policy.rules[1] 'args.size > 10'");
    assertThat(failed)
        .hasMessage(
            "capability 'fs.read' is denied by policy.rules[1] 'args.size > 10': 'args.size > 10'"
                + " could not be evaluated: evaluation error at character 4: key 'size' is not present in"
                + " map.");
    assertThat(new PolicyEngine(p).verdict("shop.buy").rules()).containsExactly(other);
  }
}
