package dev.agora.core.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.TestClock;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The approval service on its own: what the call path cannot easily provoke. */
class ApprovalsTest {

  private final TestClock clock = new TestClock("2026-06-03T12:00:00Z");
  private final MemorySink sink = new MemorySink(100);
  private final CapabilityManifest m =
      CapabilityManifest.builder("bank.transfer").approvalRequired(true).build();

  /** A store that loses the first race for every status change, as if another process won. */
  private static final class Contended implements ApprovalStore {
    final MemoryApprovalStore inner = new MemoryApprovalStore();
    final AtomicInteger lost = new AtomicInteger();

    @Override
    public void add(Approval a) {
      inner.add(a);
    }

    @Override
    public Optional<Approval> get(String id) {
      return inner.get(id);
    }

    @Override
    public Optional<Approval> latest(String bindingDigest) {
      return inner.latest(bindingDigest);
    }

    @Override
    public List<Approval> all() {
      return inner.all();
    }

    @Override
    public boolean transition(Approval.Status from, Approval next) {
      if (from == Approval.Status.APPROVED && lost.getAndIncrement() == 0) {
        return false;
      }
      return inner.transition(from, next);
    }
  }

  private Approvals approvals(ApprovalStore store) {
    return new Approvals(store, () -> ApprovalSettings.DEFAULTS, sink, clock, d -> {});
  }

  private String ask(Approvals a, Value args) {
    return catchThrowableOfType(
            AgoraError.ApprovalRequired.class,
            () -> a.admit(m, args, "bob", "approval: required", null, null))
        .approvalId();
  }

  @Test
  void a_lost_race_to_use_an_approval_looks_again() {
    Contended store = new Contended();
    Approvals a = approvals(store);
    String id = ask(a, Value.of(1));
    a.approve(id, "ops");
    a.admit(m, Value.of(1), "bob", "approval: required", "call-1", "plan-1");
    assertThat(store.lost.get()).isEqualTo(2);
    assertThat(store.get(id).orElseThrow().status()).isEqualTo(Approval.Status.USED);
    assertThat(sink.events(EventType.ApprovalUsed).getFirst().parentId()).isEqualTo("call-1");
  }

  @Test
  void arguments_without_a_json_form_cannot_be_bound_and_are_refused() {
    AgoraError.AccessDenied e =
        catchThrowableOfType(
            AgoraError.AccessDenied.class,
            () ->
                approvals(new MemoryApprovalStore())
                    .admit(m, Value.of(Double.NaN), "bob", "approval: required", null, null));
    assertThat(e)
        .hasMessage(
            "capability 'bank.transfer' is denied by approval: required: its arguments have no"
                + " JSON form to bind an approval to");
  }

  @Test
  void the_binding_names_the_definition_and_the_digest_of_the_arguments() {
    Binding b = Binding.of(m, "{\"a\":1}", "bob");
    assertThat(b.definitionDigest()).isEqualTo(dev.agora.core.manifest.Manifests.contentHash(m));
    assertThat(b.argumentsDigest()).isEqualTo(Binding.sha256("{\"a\":1}")).hasSize(64);
    assertThat(b.digest()).isNotEqualTo(Binding.of(m, "{\"a\":1}", "alice").digest());
    assertThat(new MemoryApprovalStore().transition(Approval.Status.PENDING, pending(b)))
        .as("no such approval")
        .isFalse();
  }

  private Approval pending(Binding b) {
    return new Approval(
        "x", b, "why", "{}", clock.instant(), clock.instant(), Approval.Status.PENDING, null, null);
  }
}
