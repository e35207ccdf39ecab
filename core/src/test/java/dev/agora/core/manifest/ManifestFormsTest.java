package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.doc.Documents;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The less common shapes of a manifest file — RTFS {@code (capability …)} forms and their mistakes,
 * SLA, attestation and metadata sections, schemas given as data — and what each mistake reports.
 */
class ManifestFormsTest {

  private static Manifests.LoadResult parse(String text, Documents.Format format) {
    return Manifests.parse(Documents.parse(text, "m." + format.name().toLowerCase(), format));
  }

  private static List<String> problems(Manifests.LoadResult r) {
    return r.problems().stream().map(Object::toString).toList();
  }

  @Test
  void rtfsFormsTakeAnIdThenKeyValuePairsAndTheReferenceProviderSpelling() {
    Manifests.LoadResult r =
        parse(
            """
        (capability "a.one" :provider :local :effects [:pure])
        (capability "a.two" :provider :http :provider-meta {:url "http://127.0.0.1/x" :method "post"})
        (capability "a.three")
        (capability "a.four" :provider)
        (capability "a.five" "provider" :local)
        (something "else")
        ()
        """,
            Documents.Format.RTFS);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("a.one", "a.two");
    assertThat(r.manifests().get(1).provider())
        .isEqualTo(
            new ProviderSpec.Http(
                "http://127.0.0.1/x",
                "POST",
                Dict.of(
                    Value.keyword("url"),
                    Value.of("http://127.0.0.1/x"),
                    Value.keyword("method"),
                    Value.of("post"))));
    assertThat(problems(r))
        .containsExactly(
            "m.rtfs:3: [2]: missing required field 'provider' (for example {type: local} or {type: http, url: …})",
            "m.rtfs:4: [3]: (capability …) takes an id and then :key value pairs",
            "m.rtfs:5: [4]: expected a :key in (capability …), found a string of 8 characters",
            "m.rtfs:6: [5]: expected a manifest (a map, or (capability \"id\" :key value …) in RTFS), found a list of 2 items",
            "m.rtfs:7: [6]: expected a manifest (a map, or (capability \"id\" :key value …) in RTFS), found a list of 0 items");
  }

  @Test
  void aScalarDocumentIsNotAManifestAndAnEmptyOneHasNone() {
    assertThat(problems(parse("42", Documents.Format.JSON)))
        .containsExactly(
            "m.json:1: expected a manifest, a list of manifests or capabilities: […], found 42 (integer)");
    Manifests.LoadResult empty = parse("", Documents.Format.YAML);
    assertThat(empty.manifests()).isEmpty();
    assertThat(empty.problems()).isEmpty();
  }

  @Test
  void slaAttestationAndMetadataAreRead() {
    Manifests.LoadResult r =
        parse(
            """
        id: s.full
        provider: local
        metadata: {team: search}
        sla: {cost_per_call: 0.5, expected_latency: 200ms, confidence: 0.9}
        attestation:
          authority: acme
          signature: sig
          created_at: 2026-01-01T00:00:00Z
          expires_at: 2027-01-01T00:00:00Z
          metadata: {key: k1}
        """,
            Documents.Format.YAML);
    assertThat(r.problems()).isEmpty();
    CapabilityManifest m = r.manifests().getFirst();
    assertThat(m.sla()).isEqualTo(new Sla(0.5, Duration.ofMillis(200), 0.9));
    assertThat(m.attestation().authority()).isEqualTo("acme");
    assertThat(m.attestation().expiresAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(m.attestation().metadata().get("key")).isEqualTo(Value.of("k1"));
    assertThat(m.metadata().get("team")).isEqualTo(Value.of("search"));
  }

  @Test
  void badSlaAttestationAndMetadataAreReportedAndTheManifestRefused() {
    Manifests.LoadResult r =
        parse(
            """
        id: s.bad
        provider: local
        metadata: [1, 2]
        sla: {confidence: 2, speed: fast}
        attestation:
          signature: sig
          created_at: yesterday
          metadata: 3
        """,
            Documents.Format.YAML);
    assertThat(r.manifests()).isEmpty();
    assertThat(problems(r))
        .containsExactly(
            "m.yaml:3: metadata: expected a map, found [1 2] (vector)",
            "m.yaml:4: sla.confidence: expected a number from 0.0 to 1.0, found 2 (integer)",
            "m.yaml:4: sla.speed: unknown key 'speed'; known keys are cost_per_call, expected_latency, confidence",
            "m.yaml:5: attestation: missing required field 'authority'",
            "m.yaml:7: attestation.created_at: expected an instant such as 2026-01-31T12:00:00Z, found \"yesterday\"");
  }

  @Test
  void schemasMayBeTypeTextTypeDataOrJsonSchema() {
    Manifests.LoadResult r =
        parse(
            """
        [{"id": "j.text", "provider": "local", "input_schema": "[:map [:a :int]]"},
         {"id": "j.schema", "provider": "local", "input_schema": {"type": "object", "properties": {"a": {"type": "integer"}}}},
         {"id": "j.bad", "provider": "local", "output_schema": {"type": "frob"}},
         {"id": "j.none", "provider": "local", "input_schema": null}]
        """,
            Documents.Format.JSON);
    assertThat(r.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("j.text", "j.schema", "j.none");
    assertThat(r.manifests().get(0).input().type().show()).isEqualTo("[:map [:a :int]]");
    assertThat(r.manifests().get(1).input().type().show()).isEqualTo("[:map [:a :int ?]]");
    assertThat(r.manifests().get(1).input().originalJsonSchema()).isNotNull();
    assertThat(problems(r))
        .containsExactly(
            "m.json:3: [2].output_schema: not a valid schema: unknown JSON Schema type \"frob\"");
    Manifests.LoadResult data =
        parse(
            "(capability \"r.data\" :provider :local :input_schema [:map [:a :int]])",
            Documents.Format.RTFS);
    assertThat(data.manifests().getFirst().input().type().show()).isEqualTo("[:map [:a :int]]");
  }

  @Test
  void providersNamedByAStringAndMissingRequiredProviderFields() {
    Manifests.LoadResult r =
        parse(
            """
        - {id: p.one, provider: local}
        - {id: p.two, provider: {type: mcp, server: s}}
        - {id: p.three, provider: {handler: h}}
        """,
            Documents.Format.YAML);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("p.one");
    assertThat(problems(r))
        .containsExactly(
            "m.yaml:2: [1].provider: missing required field 'tool'",
            "m.yaml:3: [2].provider: missing required field 'type'");
  }

  @Test
  void anRtfsImplementationIsCheckedWhenTheManifestLoads() {
    // issue 11: one that did not parse was accepted until its first call
    Manifests.LoadResult r =
        parse(
            """
        - id: impl.ok
          provider: {type: local, implementation: "(defn twice [x] (* 2 x)) (fn [{:keys [n]}] (twice n))"}
        - id: impl.unbalanced
          provider:
            type: local
            implementation: |
              (fn [x]
                (+ x 1)
        - id: impl.value
          provider: {type: local, implementation: "42"}
        - id: impl.throws
          provider: {type: local, implementation: "(/ 1 0)"}
        - id: impl.forever
          provider: {type: local, implementation: "(reduce + (range 100000000))"}
        """,
            Documents.Format.YAML);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("impl.ok");
    assertThat(problems(r))
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .startsWith(
                        "m.yaml:6: [1].provider.implementation: the RTFS implementation does not load: "
                            + "ParseError at implementation:1:1: "),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "m.yaml:10: [2].provider.implementation: the RTFS implementation is 42 (integer), "
                            + "not a function such as (fn [input] …)"),
            p ->
                assertThat(p)
                    .startsWith(
                        "m.yaml:12: [3].provider.implementation: the RTFS implementation does not load: "
                            + "DivisionByZero"),
            p ->
                assertThat(p)
                    .startsWith(
                        "m.yaml:14: [4].provider.implementation: the RTFS implementation does not load: "
                            + "LimitExceeded"));
    Manifests.LoadResult rtfs =
        parse(
            "(capability \"impl.form\" :provider :local :provider-meta "
                + "{:implementation (fn [x] (inc x))})\n(capability \"impl.bad\" :provider :local :provider-meta "
                + "{:implementation (if)})",
            Documents.Format.RTFS);
    assertThat(rtfs.manifests()).extracting(CapabilityManifest::id).containsExactly("impl.form");
    assertThat(problems(rtfs))
        .singleElement()
        .asString()
        .startsWith(
            "m.rtfs:2: [1].provider.implementation: " + "the RTFS implementation does not load: ");
  }
}
