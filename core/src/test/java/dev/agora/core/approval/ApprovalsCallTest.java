package dev.agora.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.PlanRunner;
import dev.agora.core.TestClock;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.ArgumentRule;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Limits;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approvals bound to the exact call, through the call path. */
class ApprovalsCallTest {

  @TempDir Path dir;
  private final MemorySink sink = new MemorySink(1_000);
  private final TestClock clock = new TestClock("2026-06-03T12:00:00Z");
  private final AtomicInteger ran = new AtomicInteger();
  private final SecurityContext bob = SecurityContext.full("bob");
  private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
  private Marketplace m;

  private void start(String approvalsYaml, Approvals.Pause pause) throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, approvalsYaml);
    m =
        Marketplace.builder()
            .config(ConfigLoader.load(f))
            .sink(sink)
            .clock(clock)
            .log(l -> {})
            .approvalPause(pause)
            .build();
    register("shop.orders.place", false);
    register("bank.transfer", true);
  }

  private void start() throws IOException {
    start("approvals: {ttl: 1h, wait: 0s}\n", d -> clock.advance(d));
  }

  private void register(String id, boolean approval) {
    m.registerLocal(
        CapabilityManifest.builder(id)
            .input("[:map [:total :int]]")
            .output(":any")
            .approvalRequired(approval)
            .build(),
        (in, c) -> {
          ran.incrementAndGet();
          return Value.TRUE;
        },
        true,
        "test");
  }

  @AfterEach
  void tearDown() {
    if (m != null) {
      m.close();
    }
  }

  private Value call(String id, String args, SecurityContext caller) {
    return m.call(CallRequest.of(id, Reader.readValue(args), caller));
  }

  private String required(String id, String args, SecurityContext caller) {
    AgoraError.ApprovalRequired e =
        catchThrowableOfType(AgoraError.ApprovalRequired.class, () -> call(id, args, caller));
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).startsWith("approval required: " + e.approvalId() + " (");
    return e.approvalId();
  }

  private List<EventType> approvalEvents() {
    return sink.events().stream()
        .map(Event::type)
        .filter(t -> t.name().startsWith("Approval"))
        .toList();
  }

  @Test
  void a_manifest_that_requires_approval_runs_once_per_approval() throws IOException {
    start();
    String id = required("bank.transfer", "{:total 5}", bob);
    assertThat(ran.get()).isZero();
    Approval pending = m.approvals().list().getFirst();
    assertThat(pending.id()).isEqualTo(id);
    assertThat(pending.status()).isEqualTo(Approval.Status.PENDING);
    assertThat(pending.why()).isEqualTo("approval: required");
    assertThat(pending.arguments()).isEqualTo("{\"total\":5}");
    assertThat(pending.binding().caller()).isEqualTo("bob");
    assertThat(pending.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));

    assertThat(m.approvals().approve(id, "ops").status()).isEqualTo(Approval.Status.APPROVED);
    assertThat(call("bank.transfer", "{:total 5}", bob)).isEqualTo(Value.TRUE);
    assertThat(ran.get()).isOne();
    String replay = required("bank.transfer", "{:total 5}", bob);
    assertThat(replay).as("a second use needs a new approval").isNotEqualTo(id);
    assertThat(ran.get()).isOne();
    assertThat(approvalEvents())
        .containsExactly(
            EventType.ApprovalRequested,
            EventType.ApprovalGranted,
            EventType.ApprovalUsed,
            EventType.ApprovalRequested);
    Event used = sink.events(EventType.ApprovalUsed).getFirst();
    assertThat(used.metadata().get("approval")).isEqualTo(Value.of(id));
    assertThat(used.capabilityId()).isEqualTo("bank.transfer");
    assertThat(sink.events(EventType.ApprovalGranted).getFirst().caller()).isEqualTo("ops");
    ApprovalException again =
        catchThrowableOfType(ApprovalException.class, () -> m.approvals().approve(id, "ops"));
    assertThat(again.reason()).isEqualTo(ApprovalException.Reason.USED);
    assertThat(again).hasMessage("approval " + id + " was already used");
  }

  @Test
  void a_rule_asks_for_approval_only_when_its_condition_holds() throws IOException {
    start();
    m.setPolicy(
        IsolationPolicy.allowAll()
            .withRules(
                ArgumentRule.of(
                    "shop.orders.*",
                    "args.total > 1000",
                    ArgumentRule.Action.REQUIRE_APPROVAL,
                    null,
                    "policy.rules[0]")));
    assertThat(call("shop.orders.place", "{:total 500}", bob)).isEqualTo(Value.TRUE);
    String id = required("shop.orders.place", "{:total 2000}", bob);
    assertThat(m.approvals().list().getFirst().why())
        .isEqualTo("policy.rules[0] 'args.total > 1000'");
    assertThat(sink.events(EventType.CapabilityResult).getLast().metadata().get("approval_for"))
        .isEqualTo(Value.of("policy.rules[0] 'args.total > 1000'"));
    m.approvals().approve(id, "ops");
    assertThat(call("shop.orders.place", "{:total 2000}", bob)).isEqualTo(Value.TRUE);
  }

  @Test
  void an_approval_binds_the_arguments_and_the_caller() throws IOException {
    start();
    String id = required("bank.transfer", "{:total 5}", bob);
    m.approvals().approve(id, "ops");
    String other = required("bank.transfer", "{:total 6}", bob);
    assertThat(other).isNotEqualTo(id);
    String alice = required("bank.transfer", "{:total 5}", SecurityContext.full("alice"));
    assertThat(alice).isNotIn(id, other);
    assertThat(ran.get()).isZero();
    assertThat(m.approvals().list())
        .filteredOn(a -> a.id().equals(id))
        .singleElement()
        .extracting(Approval::status)
        .isEqualTo(Approval.Status.APPROVED);
    assertThat(call("bank.transfer", "{:total 5}", bob)).isEqualTo(Value.TRUE);
  }

  @Test
  void an_expired_approval_can_neither_be_approved_nor_used() throws IOException {
    start();
    String late = required("bank.transfer", "{:total 1}", bob);
    String unused = required("bank.transfer", "{:total 2}", bob);
    m.approvals().approve(unused, "ops");
    clock.advance(Duration.ofHours(1));
    ApprovalException e =
        catchThrowableOfType(ApprovalException.class, () -> m.approvals().approve(late, "ops"));
    assertThat(e.reason()).isEqualTo(ApprovalException.Reason.EXPIRED);
    assertThat(e.approvalId()).isEqualTo(late);
    assertThat(e).hasMessageContaining("expired at 2026-06-03T13:00:00Z");
    String fresh = required("bank.transfer", "{:total 2}", bob);
    assertThat(fresh).isNotEqualTo(unused);
    assertThat(ran.get()).isZero();
  }

  @Test
  void a_denied_call_fails_with_the_reason_and_a_decision_is_final() throws IOException {
    start();
    String id = required("bank.transfer", "{:total 9}", bob);
    m.approvals().deny(id, "ops", "not this week");
    AgoraError.AccessDenied e =
        catchThrowableOfType(
            AgoraError.AccessDenied.class, () -> call("bank.transfer", "{:total 9}", bob));
    assertThat(e)
        .hasMessage(
            "capability 'bank.transfer' is denied by approval: required: approval "
                + id
                + " was denied by ops: not this week");
    assertThat(sink.events(EventType.ApprovalDenied).getFirst().metadata().get("reason"))
        .isEqualTo(Value.of("not this week"));
    ApprovalException decided =
        catchThrowableOfType(ApprovalException.class, () -> m.approvals().approve(id, "ops"));
    assertThat(decided.reason()).isEqualTo(ApprovalException.Reason.DECIDED);
    assertThat(decided).hasMessage("approval " + id + " was already denied by ops");
    ApprovalException unknown =
        catchThrowableOfType(ApprovalException.class, () -> m.approvals().deny("nope", "ops", "x"));
    assertThat(unknown.reason()).isEqualTo(ApprovalException.Reason.UNKNOWN);
    assertThat(unknown).hasMessage("no approval 'nope'");
    assertThat(ran.get()).isZero();
  }

  @Test
  void a_call_waits_for_its_approval_up_to_the_configured_time() throws IOException {
    start(
        "approvals: {wait: 1100ms}\n",
        d -> {
          clock.advance(d);
          Approval a = m.approvals().list().getFirst();
          if (a.binding().argumentsDigest().equals(Binding.sha256("{\"total\":1}"))
              && a.status() == Approval.Status.PENDING) {
            m.approvals().approve(a.id(), "ops");
          }
        });
    assertThat(call("bank.transfer", "{:total 1}", bob)).isEqualTo(Value.TRUE);
    assertThat(ran.get()).isOne();
    java.time.Instant before = clock.instant();
    required("bank.transfer", "{:total 2}", bob);
    assertThat(Duration.between(before, clock.instant())).isEqualTo(Duration.ofMillis(1100));
  }

  @Test
  void an_interrupted_wait_cancels_the_call() throws IOException {
    start(
        "approvals: {wait: 1m}\n",
        d -> {
          throw new InterruptedException();
        });
    assertThatThrownBy(() -> call("bank.transfer", "{:total 1}", bob))
        .isInstanceOf(AgoraError.Cancelled.class)
        .hasMessageContaining("interrupted while waiting for approval");
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void a_plan_gets_the_approval_id_as_error_data_and_its_retry_runs_once() throws IOException {
    start();
    String plan =
        "(try (call :bank.transfer {:total 7})"
            + " (catch AccessDenied e [(:message e) (:approval (:data e))]))";
    PlanRunner.Outcome asked = m.runPlan(plan, "plan.rtfs", bob, Limits.DEFAULT, quiet);
    Vec v = (Vec) asked.value();
    String id = ((Value.Str) v.get(1)).value();
    assertThat(((Value.Str) v.get(0)).value()).startsWith("approval required: " + id + " (");
    m.approvals().approve(id, "ops");
    assertThat(m.runPlan(plan, "plan.rtfs", bob, Limits.DEFAULT, quiet).value())
        .isEqualTo(Value.TRUE);
    assertThat(ran.get()).isOne();
  }
}
