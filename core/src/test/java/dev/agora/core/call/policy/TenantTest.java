package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.Glob;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A caller in a tenant reaches only the tenant's capabilities, whatever its context allows — at the
 * call path, not only in listings — and is recorded under the tenant's name; a capability it calls
 * cannot reach past the tenant in a nested call either.
 */
class TenantTest {

  static final SecurityContext.Tenant ACME =
      new SecurityContext.Tenant("acme", List.of(Glob.of("ccos.math.*"), Glob.of("ccos.echo")));

  @Test
  void aTenantBoundsEveryLevelAndIsRecordedByName() {
    MemorySink sink = new MemorySink(1_000);
    try (Marketplace m = Marketplace.builder().sink(sink).log(l -> {}).build()) {
      m.bootstrap();
      SecurityContext full = SecurityContext.full("operator/ops").in(ACME);
      assertThat(full.identity()).isEqualTo("acme:operator/ops");
      assertThat(full.named("acme:operator/other").tenant()).isEqualTo(ACME);
      Value sum = m.call(CallRequest.of("ccos.math.add", Reader.readValue("[1 2]"), full));
      assertThat(sum).isEqualTo(Value.of(3));
      assertThat(m.mayCall(full, m.registry().get("ccos.io.log"))).isFalse();
      assertThatThrownBy(() -> m.call(CallRequest.of("ccos.io.log", Value.of("x"), full)))
          .isInstanceOf(AgoraError.class)
          .hasMessageContaining("not among the capabilities of tenant 'acme'");
      SecurityContext narrow = SecurityContext.controlled("agent/ci", "ccos.*").in(ACME);
      assertThat(narrow.refusal(m.registry().get("ccos.echo"))).isNull();
      assertThat(narrow.refusal(m.registry().get("ccos.time.now")))
          .startsWith("not among the capabilities of tenant 'acme'");
      // the context a capability's nested calls run under keeps the tenant
      assertThat(full.within(m.registry().get("ccos.math.add")).tenant()).isEqualTo(ACME);
      assertThat(SecurityContext.full("x").tenant()).isNull();
    }
    assertThat(sink.events())
        .extracting(Event::caller)
        .contains("acme:operator/ops")
        .doesNotContain("operator/ops");
  }

  @Test
  void whatATenantsOwnSourceFoundIsItsAndNoOtherTenants() {
    try (Marketplace m = Marketplace.builder().log(l -> {}).build()) {
      m.bootstrap();
      for (String[] c :
          new String[][] {{"acme.crm.find", "acme-crm"}, {"shared.tool", "globex-erp"}}) {
        m.registerLocal(
            dev.agora.core.manifest.CapabilityManifest.builder(c[0])
                .input(":any")
                .output(":any")
                .effects("pure")
                .build(),
            (in, ctx) -> in,
            true,
            c[1]);
      }
      SecurityContext.Tenant acme =
          new SecurityContext.Tenant(
              "acme", List.of(Glob.of("shared.*")), Set.of("acme-crm"), Set.of("globex-erp"));
      SecurityContext ann = SecurityContext.full("agent/ann").in(acme);
      // its own source's capability, though no pattern of the tenant names it
      assertThat(m.call(CallRequest.of("acme.crm.find", Value.of(1), ann))).isEqualTo(Value.of(1));
      // another tenant's source's capability, though a pattern of the tenant matches it
      assertThatThrownBy(() -> m.call(CallRequest.of("shared.tool", Value.of(1), ann)))
          .hasMessageContaining("from source 'globex-erp', which is another tenant's");
      assertThat(acme.refusal(m.registry().get("ccos.echo")))
          .isEqualTo(
              "not among the capabilities of tenant 'acme' [shared.*] nor from its sources"
                  + " [acme-crm]");
    }
  }
}
