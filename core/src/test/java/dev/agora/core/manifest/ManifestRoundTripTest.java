package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.Documents;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.RegistryStore;
import dev.agora.core.store.MemoryStore;
import dev.agora.core.store.RegistryMirror;
import dev.agora.rtfs.Printer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A manifest written as data and read back is the same manifest: this is how the node's store keeps
 * capabilities added at run time across restarts, and what the content hash covers — so nothing (an
 * attestation's dates, the JSON Schema a tool came with) may be dropped on the way.
 */
class ManifestRoundTripTest {

  private static final String FULL =
      """
      id: rt.full
      name: Everything
      description: every field set
      version: 2.1.0-beta.1
      provider: {type: http, url: "https://api.example.org/x/{id}", method: post, idempotent: true}
      input_schema: {"type": "object", "properties": {"id": {"type": "string", "format": "uri"}}, "required": ["id"]}
      output_schema: "[:map [:ok :bool] [:score [:and :number [:in-range 0 1]] ?]]"
      effects: [network, writes]
      permissions: [net.write, admin]
      metadata: {team: search, tags: [a, b]}
      timeout: 1500ms
      sla: {cost_per_call: 0.25, expected_latency: 200ms, confidence: 0.75}
      attestation:
        authority: acme
        signature: c2ln
        created_at: 2026-01-01T00:00:00Z
        expires_at: 2027-01-01T00:00:00Z
        metadata: {key_id: k1}
      """;

  private static CapabilityManifest readBack(CapabilityManifest m) {
    String stored = Printer.print(m.toValue());
    Manifests.LoadResult r =
        Manifests.parse(Documents.parse(stored, "stored", Documents.Format.RTFS));
    assertThat(r.problems()).as(stored).isEmpty();
    return r.manifests().getFirst();
  }

  private static CapabilityManifest full() {
    Manifests.LoadResult r =
        Manifests.parse(Documents.parse(FULL, "full.yaml", Documents.Format.YAML));
    assertThat(r.problems()).isEmpty();
    return r.manifests().getFirst();
  }

  @Test
  void everyFieldSurvivesBeingWrittenAndReadBack() {
    CapabilityManifest m = full();
    CapabilityManifest back = readBack(m);
    assertThat(back.toValue()).isEqualTo(m.toValue());
    assertThat(back.attestation()).isEqualTo(m.attestation());
    assertThat(back.input().originalJsonSchema())
        .isEqualTo(m.input().originalJsonSchema())
        .isNotNull();
    assertThat(back.input().type().show()).isEqualTo(m.input().type().show());
    assertThat(back.output().type().show()).isEqualTo(m.output().type().show());
    assertThat(back.sla()).isEqualTo(m.sla());
    assertThat(back.timeout()).isEqualTo(m.timeout());
    assertThat(back.metadata()).isEqualTo(m.metadata());
    assertThat(back.provider().toValue()).isEqualTo(m.provider().toValue());
    assertThat(Manifests.contentHash(back)).isEqualTo(Manifests.contentHash(m));
  }

  @Test
  void theContentHashCoversTheAttestationsDates() {
    CapabilityManifest m = full();
    CapabilityManifest later =
        new CapabilityManifest(
            m.id(),
            m.name(),
            m.description(),
            m.version(),
            m.provider(),
            m.input(),
            m.output(),
            m.effects(),
            m.permissions(),
            m.metadata(),
            m.timeout(),
            m.sla(),
            null,
            new Attestation(
                "acme",
                "c2ln",
                m.attestation().createdAt(),
                Instant.parse("2030-01-01T00:00:00Z"),
                m.attestation().metadata()));
    assertThat(Manifests.contentHash(later)).isNotEqualTo(Manifests.contentHash(m));
  }

  @Test
  void everyExampleManifestRoundTrips() throws IOException {
    List<CapabilityManifest> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(examples())) {
      for (Path f : files.sorted().toList()) {
        Manifests.LoadResult r = Manifests.load(f);
        assertThat(r.problems()).as(f.toString()).isEmpty();
        all.addAll(r.manifests());
      }
    }
    assertThat(all).hasSizeGreaterThanOrEqualTo(5);
    for (CapabilityManifest m : all) {
      assertThat(readBack(m).toValue()).as(m.id()).isEqualTo(m.toValue());
    }
  }

  @Test
  void aManifestAddedAtRunTimeIsRestoredWhole() {
    MemoryStore store = new MemoryStore();
    Registry first = new Registry(e -> {}, Clock.systemUTC());
    first.listen(new RegistryMirror(store.registry(), l -> {}));
    first.register(full(), "cli");

    Registry second = new Registry(e -> {}, Clock.systemUTC());
    assertThat(new RegistryMirror(store.registry(), l -> {}).restore(second)).isEqualTo(1);
    CapabilityManifest restored = second.get("rt.full");
    assertThat(restored.toValue()).isEqualTo(full().toValue());
    assertThat(restored.attestation().expiresAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(restored.provenance().contentHash())
        .isEqualTo(first.get("rt.full").provenance().contentHash());
  }

  private static Path examples() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("examples/manifests"))) {
      dir = dir.getParent();
    }
    return dir.resolve("examples/manifests");
  }

  @Test
  void unreadableStoredManifestsAreSkippedWithAWarning() {
    MemoryStore store = new MemoryStore();
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    store.registry().put(new RegistryStore.Stored("bad.syntax", "1.0.0", "cli", "{:id \"x\"", at));
    store
        .registry()
        .put(new RegistryStore.Stored("bad.fields", "1.0.0", "cli", "{:id \"bad.fields\"}", at));
    store
        .registry()
        .put(
            new RegistryStore.Stored(
                "good.one", "1.0.0", "cli", Printer.print(full().toValue()), at));
    List<String> log = new ArrayList<>();
    Registry registry = new Registry(e -> {}, Clock.systemUTC());
    assertThat(new RegistryMirror(store.registry(), log::add).restore(registry)).isEqualTo(1);
    assertThat(registry.get("rt.full").provenance().source()).isEqualTo("cli");
    assertThat(log)
        .hasSize(2)
        .allMatch(l -> l.startsWith("warning: stored manifest bad."))
        .allMatch(l -> l.contains("is unreadable and was skipped"));
  }
}
