package dev.agora.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.policy.ArgumentRule;
import dev.agora.core.call.policy.ArgumentRule.Action;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Argument-aware rules on the call path: after input validation, recorded, fail closed. */
class ArgumentRulesCallTest {

  private final MemorySink sink = new MemorySink(1_000);
  private final AtomicInteger reached = new AtomicInteger();
  private final SecurityContext full = SecurityContext.full("tester");
  private Marketplace m;

  private static final ArgumentRule OUTSIDE_SRV =
      ArgumentRule.of(
          "fs.*", "!args.path.startsWith('/srv/')", Action.DENY, "outside /srv", "policy.rules[0]");

  @BeforeEach
  void setUp() {
    m =
        Marketplace.builder()
            .sink(sink)
            .clock(new TestClock("2026-06-03T12:00:00Z"))
            .log(l -> {})
            .build();
    m.registerLocal(
        CapabilityManifest.builder("fs.read")
            .input("[:map [:path :string]]")
            .output(":any")
            .build(),
        (in, c) -> {
          reached.incrementAndGet();
          return Value.TRUE;
        },
        true,
        "test");
  }

  @AfterEach
  void tearDown() {
    m.close();
  }

  private Value read(String args) {
    return m.call(CallRequest.of("fs.read", Reader.readValue(args), full));
  }

  private Event denied() {
    return sink.events(EventType.PolicyDenied).getLast();
  }

  @Test
  void a_rule_that_holds_denies_and_the_chain_names_it() {
    m.setPolicy(IsolationPolicy.allowAll().withRules(OUTSIDE_SRV));
    assertThat(read("{:path \"/srv/data\"}")).isEqualTo(Value.TRUE);
    AgoraError.AccessDenied e =
        catchThrowableOfType(AgoraError.AccessDenied.class, () -> read("{:path \"/etc/passwd\"}"));
    assertThat(e.rule()).isEqualTo("policy.rules[0] 'outside /srv'");
    assertThat(reached.get()).isOne();
    Event d = denied();
    assertThat(d.error())
        .isEqualTo("capability 'fs.read' is denied by policy.rules[0] 'outside /srv'");
    assertThat(d.metadata().get("rule")).isEqualTo(Value.of("policy.rules[0] 'outside /srv'"));
  }

  @Test
  void rules_run_after_input_validation() {
    m.setPolicy(IsolationPolicy.allowAll().withRules(OUTSIDE_SRV));
    assertThatThrownBy(() -> read("{:file \"/srv/x\"}"))
        .isInstanceOf(AgoraError.InvalidInput.class);
    assertThat(sink.events(EventType.PolicyDenied)).isEmpty();
  }

  @Test
  void a_condition_that_cannot_be_evaluated_denies_the_call() {
    m.setPolicy(
        IsolationPolicy.allowAll()
            .withRules(
                ArgumentRule.of(
                    "fs.*", "args.size > 10", Action.DENY, "too big", "policy.rules[0]")));
    AgoraError.AccessDenied e =
        catchThrowableOfType(AgoraError.AccessDenied.class, () -> read("{:path \"/srv/a\"}"));
    assertThat(e)
        .hasMessage(
            "capability 'fs.read' is denied by policy.rules[0] 'too big': 'args.size > 10' could"
                + " not be evaluated: evaluation error at character 4: key 'size' is not present"
                + " in map.");
    assertThat(reached.get()).isZero();
    assertThat(denied().metadata().get("rule")).isEqualTo(Value.of("policy.rules[0] 'too big'"));
  }

  @Test
  void a_replaced_policy_applies_to_the_next_call() {
    assertThat(read("{:path \"/etc\"}")).isEqualTo(Value.TRUE);
    m.setPolicy(IsolationPolicy.allowAll().withRules(OUTSIDE_SRV));
    assertThatThrownBy(() -> read("{:path \"/etc\"}")).isInstanceOf(AgoraError.AccessDenied.class);
    m.setPolicy(IsolationPolicy.allowAll());
    assertThat(read("{:path \"/etc\"}")).isEqualTo(Value.TRUE);
  }

  @Test
  void rules_for_other_capabilities_do_not_apply() {
    m.setPolicy(
        IsolationPolicy.allowAll()
            .withRules(ArgumentRule.of("shop.*", "true", Action.DENY, null, "policy.rules[0]")));
    assertThat(read("{:path \"/etc\"}")).isEqualTo(Value.TRUE);
  }
}
