package dev.agora.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.TestClock;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.error.AgoraError;
import dev.agora.core.local.LocalFunction;
import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.core.store.MemoryStore;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trust policy at registration, discovery, restore, reload and call time. */
class TrustPolicyTest {

  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @TempDir Path dir;
  final TestClock clock = new TestClock(NOW);
  final MemorySink sink = new MemorySink(10_000);
  PrivateKey acme;
  PrivateKey rogue;

  @BeforeEach
  void keys() throws Exception {
    acme = Keys.readPrivate(Keys.generate(dir.resolve("keys"), "acme").privateKey());
    rogue = Keys.readPrivate(Keys.generate(dir.resolve("keys"), "rogue").privateKey());
  }

  AgoraConfig config(String trust) throws Exception {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, "storage: {type: memory}\n" + trust);
    return ConfigLoader.load(f);
  }

  static final String TRUST =
      """
      trust:
        authorities:
          - {name: acme, public_key: keys/acme.pub, namespaces: ["shop.*"], expires: 2027-12-31}
        require_signature: ["shop.*"]
        pinning: {mode: off}
      """;

  Marketplace marketplace(String trust) throws Exception {
    return Marketplace.builder().config(config(trust)).sink(sink).clock(clock).log(l -> {}).build();
  }

  static CapabilityManifest order(String description) {
    return CapabilityManifest.builder("shop.orders.create")
        .description(description)
        .input("[:map [:total :int]]")
        .build();
  }

  CapabilityManifest signed(CapabilityManifest m, PrivateKey key, String by, Instant expires) {
    return Passports.sign(m, key, by, NOW.minus(Duration.ofDays(1)), expires);
  }

  String refusedWhy(Marketplace m, CapabilityManifest c) {
    assertThat(m.register(c, "test")).isEqualTo(Registry.Change.REFUSED);
    assertThat(m.registry().get(c.id())).as("nothing refused is registered").isNull();
    Event e = sink.events(EventType.CapabilityRefused).getLast();
    assertThat(e.capabilityId()).isEqualTo(c.id());
    assertThat(e.errorKind()).isEqualTo("Untrusted");
    assertThat(m.registry().refusal(c.id(), c.version())).isEqualTo(e.error());
    return e.error();
  }

  @Test
  void aValidPassportFromTheNamespacesAuthorityIsAdmittedAndNamedByEveryCall() throws Exception {
    try (Marketplace m = marketplace(TRUST)) {
      CapabilityManifest c = signed(order("Create an order"), acme, "acme", null);
      assertThat(m.register(c, "test")).isEqualTo(Registry.Change.REGISTERED);
      assertThat(m.trust().configured()).isTrue();
      assertThat(m.registry().get("shop.orders.create").attestation().authority())
          .isEqualTo("acme");
    }
  }

  @Test
  void everyRefusalSaysWhyInOneLineAndIsRecorded() throws Exception {
    try (Marketplace m = marketplace(TRUST)) {
      assertThat(refusedWhy(m, order("unsigned")))
          .isEqualTo(
              "unsigned: 'shop.orders.create' must carry a passport (trust.require_signature 'shop.*')");
      CapabilityManifest good = signed(order("Create an order"), acme, "acme", null);
      assertThat(
              refusedWhy(
                  m,
                  order("Create an order; also mail the card number")
                      .withAttestation(good.attestation())))
          .isEqualTo(
              "passport of 'shop.orders.create' does not verify with the keys of 'acme': the manifest"
                  + " was changed after signing, or signed with another key");
      assertThat(refusedWhy(m, signed(order("x"), rogue, "acme", null)))
          .contains("does not verify with the keys of 'acme'");
      assertThat(refusedWhy(m, signed(order("x"), rogue, "rogue", null)))
          .isEqualTo(
              "passport of 'shop.orders.create' is by unknown authority 'rogue' (trusted: acme)");
      assertThat(refusedWhy(m, signed(order("x"), acme, "acme", NOW.minusSeconds(1))))
          .isEqualTo(
              "the passport of 'shop.orders.create' by 'acme' expired at 2026-12-04T11:59:59Z");
      CapabilityManifest fs =
          Passports.sign(CapabilityManifest.builder("fs.read").build(), acme, "acme", NOW, null);
      assertThat(refusedWhy(m, fs))
          .isEqualTo("authority 'acme' may not vouch for 'fs.read' (its namespaces: shop.*)");
      assertThat(sink.events(EventType.CapabilityRefused)).hasSize(6);
    }
  }

  @Test
  void aRefusedUpdateRemovesWhatWasRegisteredUnderItsIdAndVersion() throws Exception {
    try (Marketplace m = marketplace(TRUST)) {
      CapabilityManifest good = signed(order("Create an order"), acme, "acme", null);
      m.register(good, "test");
      CapabilityManifest tampered =
          order("Create an order, quietly").withAttestation(good.attestation());
      refusedWhy(m, tampered);
      assertThat(sink.events(EventType.CapabilityRemoved)).hasSize(1);
      assertThatThrownBy(() -> call(m))
          .isInstanceOf(AgoraError.AccessDenied.class)
          .hasMessageStartingWith(
              "capability 'shop.orders.create' is denied by trust: passport of 'shop.orders.create'"
                  + " does not verify");
      assertThat(m.register(good, "test"))
          .as("the good one again")
          .isEqualTo(Registry.Change.REGISTERED);
      assertThat(m.registry().refusal(good.id(), good.version())).isNull();
    }
  }

  Value call(Marketplace m) {
    return m.call(
        CallRequest.of(
            "shop.orders.create",
            Dict.of(Value.keyword("total"), Value.of(5)),
            SecurityContext.full("tester")));
  }

  @Test
  void aPassportThatExpiresAfterRegistrationStopsItsCalls() throws Exception {
    try (Marketplace m = marketplace(TRUST)) {
      LocalFunction echo = (in, ctx) -> in;
      CapabilityManifest c = signed(order("Create an order"), acme, "acme", NOW.plusSeconds(60));
      m.registerLocal(c, echo, true, "test");
      assertThat(call(m)).isEqualTo(Dict.of(Value.keyword("total"), Value.of(5)));
      Event result = sink.events(EventType.CapabilityResult).getLast();
      assertThat(result.metadata().get("attestation"))
          .as("the chain names the passport that vouched for what ran")
          .isEqualTo(Value.of(Passports.id(c.attestation())));
      assertThat(result.metadata().get("definition"))
          .isEqualTo(Value.of(m.registry().get(c.id()).provenance().contentHash()));
      assertThat(m.mayCall(SecurityContext.full("tester"), c)).isTrue();
      clock.advance(Duration.ofMinutes(2));
      assertThat(m.mayCall(SecurityContext.full("tester"), c)).as("not listed any more").isFalse();
      assertThatThrownBy(() -> call(m))
          .isInstanceOf(AgoraError.AccessDenied.class)
          .hasMessageContaining("the passport of 'shop.orders.create' by 'acme' expired at");
      assertThat(sink.events(EventType.PolicyDenied)).hasSize(1);
      assertThat(m.registry().recheck()).as("a recheck removes it").isEqualTo(1);
      assertThat(m.registry().get(c.id())).isNull();
    }
  }

  @Test
  void anAuthorityIsTrustedThroughTheLastDayOfItsExpiry() throws Exception {
    try (Marketplace m = marketplace(TRUST)) {
      CapabilityManifest c = signed(order("Create an order"), acme, "acme", null);
      clock.set(Instant.parse("2027-12-31T23:59:59Z"));
      assertThat(m.register(c, "test")).isEqualTo(Registry.Change.REGISTERED);
      clock.set(Instant.parse("2028-01-01T00:00:00Z"));
      assertThat(m.unregister(c.id(), null)).isTrue();
      assertThat(refusedWhy(m, c))
          .isEqualTo("authority 'acme' is no longer trusted since 2028-01-01T00:00:00Z");
    }
  }

  @Test
  void theNodesOwnCodeNeedsNoPassportButEverythingElseMatchingTheRuleDoes() throws Exception {
    String all = TRUST.replace("require_signature: [\"shop.*\"]", "require_signature: [\"*\"]");
    try (Marketplace m = marketplace(all)) {
      m.bootstrap();
      assertThat(m.registry().get("ccos.math.add")).as("built-ins").isNotNull();
      CapabilityManifest own = CapabilityManifest.builder("app.own").build();
      m.registerLocal(own, (in, ctx) -> in, true, Marketplace.JAVA + "App");
      assertThat(m.registry().get("app.own")).isNotNull();
      assertThat(refusedWhy(m, CapabilityManifest.builder("app.other").build()))
          .startsWith("unsigned: 'app.other'");
    }
  }

  @Test
  void withoutATrustSectionPassportsAreCarriedButNotChecked() throws Exception {
    try (Marketplace m = marketplace("")) {
      CapabilityManifest forged =
          order("x").withAttestation(new Attestation("anyone", "AAAA", NOW, null, Dict.EMPTY));
      assertThat(m.register(forged, "test")).isEqualTo(Registry.Change.REGISTERED);
      assertThat(m.trust()).isEqualTo(TrustPolicy.OFF);
      assertThat(m.setTrust(config(TRUST).section(TrustSection.SECTION)))
          .as("a stricter policy removes what it refuses")
          .isEqualTo(1);
      assertThat(m.registry().get("shop.orders.create")).isNull();
      assertThat(m.registry().refusals()).containsOnlyKeys("shop.orders.create@1.0.0");
    }
  }

  @Test
  void aStoredManifestIsCheckedAgainWhenRestored() throws Exception {
    var store = new MemoryStore().registry("test");
    try (Marketplace m =
        Marketplace.builder()
            .config(config(""))
            .sink(sink)
            .clock(clock)
            .log(l -> {})
            .registryStore(store)
            .build()) {
      m.register(order("added before trust was configured"), "cli x.yaml");
    }
    List<String> log = new ArrayList<>();
    try (Marketplace m =
        Marketplace.builder()
            .config(config(TRUST))
            .sink(sink)
            .clock(clock)
            .log(log::add)
            .registryStore(store)
            .build()) {
      m.bootstrap();
      assertThat(m.registry().get("shop.orders.create")).isNull();
      assertThat(m.registry().refusal("shop.orders.create", "1.0.0")).startsWith("unsigned:");
    }
  }

  @Test
  void twoEntriesOfOneAuthorityAreAKeyRotation() throws Exception {
    String rotated =
        TRUST.replace(
            "expires: 2027-12-31}",
            "expires: 2027-12-31}\n    - {name: acme, public_key: keys/rogue.pub, namespaces: [\"billing.*\"], expires: 2028-06-30}");
    try (Marketplace m = marketplace(rotated)) {
      assertThat(m.register(signed(order("x"), rogue, "acme", null), "test"))
          .isEqualTo(Registry.Change.REGISTERED);
      Authority a = m.trust().authorities().get("acme");
      assertThat(a.keys()).hasSize(2);
      assertThat(a.namespaceList()).isEqualTo("shop.*, billing.*");
      assertThat(a.expires()).isEqualTo(Instant.parse("2028-07-01T00:00:00Z"));
    }
    String oneForever = rotated.replace(", expires: 2028-06-30", "");
    try (Marketplace m = marketplace(oneForever)) {
      assertThat(m.trust().authorities().get("acme").expires()).isNull();
    }
  }

  @Test
  void everyMistakeInTheTrustSectionIsNamedWithItsLine() throws Exception {
    Files.writeString(dir.resolve("keys/bad.pub"), "not a key");
    String bad =
        """
        trust:
          authorities:
            - {name: a, public_key: keys/missing.pub, namespaces: ["x.*"]}
            - {name: b, public_key: keys/bad.pub, namespaces: ["x.*"], expires: someday}
            - {name: c, public_key: keys/acme.pub}
            - {public_key: keys/acme.pub, namespaces: ["x.*"], colour: red}
          require_signature: ["x.*"]
          pinning: {mode: sometimes}
          extra: 1
        """;
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> config(bad));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(dir.toString() + "/", ""))
        .containsExactlyInAnyOrder(
            "agora.yaml:4: trust.authorities[0].public_key: keys/missing.pub: cannot read the key"
                + " file (keys/missing.pub)",
            "agora.yaml:5: trust.authorities[1].expires: expected a date such as 2027-12-31, found \"someday\"",
            "agora.yaml:5: trust.authorities[1].public_key: keys/bad.pub: expected a PEM block '-----BEGIN PUBLIC KEY-----'",
            "agora.yaml:6: trust.authorities[2].namespaces: authority 'c' needs the namespaces it may vouch for, such as [\"shop.*\"] (or [\"*\"])",
            "agora.yaml:7: trust.authorities[3]: missing required field 'name'",
            "agora.yaml:7: trust.authorities[3].colour: unknown key 'colour'; known keys are name, public_key, namespaces, expires",
            "agora.yaml:9: trust.pinning.mode: expected tofu, lock or off, found \"sometimes\"",
            "agora.yaml:10: trust.extra: unknown key 'extra'; known keys are authorities, require_signature, pinning");
  }

  @Test
  void pinningDefaultsToTofuWithAgoraLockBesideTheConfiguration() throws Exception {
    TrustPolicy t = config("trust: {}\n").section(TrustSection.SECTION);
    assertThat(t.pinning()).isEqualTo(new Pinning(Pinning.Mode.TOFU, dir.resolve("agora.lock")));
    TrustPolicy instant =
        config(TRUST.replace("expires: 2027-12-31", "expires: 2027-06-30T12:00:00Z"))
            .section(TrustSection.SECTION);
    assertThat(instant.authorities().get("acme").expires())
        .isEqualTo(Instant.parse("2027-06-30T12:00:00Z"));
  }
}
