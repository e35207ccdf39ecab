package dev.agora.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import dev.agora.rtfs.types.Validator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {

  @TempDir Path dir;

  private Manifests.LoadResult load(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return Manifests.load(f);
  }

  @Test
  void a_provider_type_with_a_dot_is_one_a_plugin_adds_and_keeps_its_options() throws IOException {
    Manifests.LoadResult r =
        load(
            "ext.yaml",
            """
            - id: greet.hello
              provider: {type: acme.greet, greeting: Hello, isolation: none}
            """);
    assertThat(r.problems()).isEmpty();
    ProviderSpec p = r.manifests().getFirst().provider();
    assertThat(p).isInstanceOf(ProviderSpec.Extension.class);
    assertThat(p.type()).isEqualTo("acme.greet");
    assertThat(p.options().get("greeting")).isEqualTo(Value.of("Hello"));
    assertThat(p.toValue().get("type")).isEqualTo(Value.keyword("acme.greet"));
  }

  @Test
  void a_yaml_manifest_with_every_field() throws IOException {
    Manifests.LoadResult r =
        load(
            "w.yaml",
            """
        id: weather.current
        name: Current weather
        description: Temperature now.
        version: 1.2.0
        provider: {type: http, url: "https://api.example.com/w?city={city}", method: get, headers: {Accept: json}}
        input_schema: "[:map [:city :string]]"
        output_schema: {type: object, properties: {temp: {type: number}}, required: [temp]}
        effects: [network, ":Time"]
        permissions: [weather.read]
        timeout: 5s
        sla: {cost_per_call: 0.002, expected_latency: 150ms, confidence: 0.9}
        metadata: {team: core}
        attestation: {authority: acme, signature: abc, created_at: "2026-01-01T00:00:00Z"}
        """);
    assertThat(r.problems()).isEmpty();
    CapabilityManifest m = r.manifests().get(0);
    assertThat(m.id()).isEqualTo("weather.current");
    assertThat(m.namespace()).isEqualTo("weather");
    assertThat(m.provider()).isInstanceOf(ProviderSpec.Http.class);
    ProviderSpec.Http http = (ProviderSpec.Http) m.provider();
    assertThat(http.method()).isEqualTo("GET");
    assertThat(http.options().get("headers")).isNotNull();
    assertThat(m.input().show()).isEqualTo("[:map [:city :string]]");
    assertThat(m.output().show()).isEqualTo("[:map [:temp :number]]");
    assertThat(m.output().originalJsonSchema())
        .as("a JSON Schema travels beside its type")
        .isNotNull();
    assertThat(m.effects()).containsExactly("network", "time");
    assertThat(m.permissions()).containsExactly("weather.read");
    assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(m.sla().costPerCall()).isEqualTo(0.002);
    assertThat(m.sla().expectedLatency()).isEqualTo(Duration.ofMillis(150));
    assertThat(m.attestation().authority()).isEqualTo("acme");
    assertThat(m.metadata().get("team")).isEqualTo(Value.of("core"));
  }

  @Test
  void json_and_rtfs_manifests_and_lists() throws IOException {
    Manifests.LoadResult json =
        load(
            "x.json",
            """
        [{"id": "a.one", "provider": "local", "effects": ["pure"]},
         {"id": "a.two", "provider": {"type": "mcp", "server": "files", "tool": "read"}}]""");
    assertThat(json.problems()).isEmpty();
    assertThat(json.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("a.one", "a.two");
    assertThat(json.manifests().get(0).isPure()).isTrue();
    assertThat(json.manifests().get(1).effects())
        .as("no effects declared: unknown, not pure")
        .containsExactly("unknown");

    Manifests.LoadResult rtfs =
        load(
            "x.rtfs",
            """
        (capability "com.acme.db:v1.0:sales-query"
          :name "Sales" :version "1.0.0"
          :provider :http :provider-meta {:url "https://node/sales"}
          :input-schema [:map [:region :keyword]]
          :effects [:network])
        (capability "b.x" :provider {:type :local} :effects [])""");
    assertThat(rtfs.problems()).isEmpty();
    CapabilityManifest db = rtfs.manifests().get(0);
    assertThat(db.id()).isEqualTo("com.acme.db:v1.0:sales-query");
    assertThat(db.namespace()).isEqualTo("com.acme.db");
    assertThat(((ProviderSpec.Http) db.provider()).url()).isEqualTo("https://node/sales");
    assertThat(rtfs.manifests().get(1).isPure()).isTrue();

    Manifests.LoadResult wrapped =
        load("w.yaml", "capabilities:\n  - {id: c.one, provider: local}\n");
    assertThat(wrapped.manifests()).hasSize(1);
  }

  @Test
  void a_bad_manifest_is_refused_with_file_line_and_field_and_the_rest_load() throws IOException {
    Manifests.LoadResult r =
        load(
            "mixed.yaml",
            """
        - id: good.one
          provider: local
        - id: bad one
          version: "1.2"
          provider: {type: ftp}
          effects: [pure, network]
          colour: blue
        - id: good.two
          provider: {type: http}
        - id: good.three
          provider: local
          input_schema: "[:map [:a :strng]]"
        - 42
        """);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("good.one");
    assertThat(r.problems())
        .extracting(p -> p.toString().replace(dir + "/", ""))
        .containsExactly(
            "mixed.yaml:3: [1].id: 'bad one' contains ' '; ids use letters, digits, _ and -, with . : / between segments",
            "mixed.yaml:4: [1].version: '1.2' is not a semantic version (MAJOR.MINOR.PATCH, such as 1.2.0)",
            "mixed.yaml:5: [1].provider.type: unknown provider type 'ftp'; known types are a2a, http, local, mcp, plugin, process, remote-rtfs, wasm"
                + " (and those plugins add, named with a dot: acme.rpc)",
            "mixed.yaml:6: [1].effects: :pure cannot be combined with other effects [network]",
            "mixed.yaml:7: [1].colour: unknown key 'colour'; known keys are id, name, description, version, provider, "
                + "input_schema, output_schema, effects, permissions, metadata, timeout, sla, attestation, approval",
            "mixed.yaml:9: [2].provider: missing required field 'url'",
            "mixed.yaml:12: [3].input_schema: not a valid schema: unknown type :strng; known types are :int :float :number "
                + ":string :bool :keyword :symbol :nil :any :never :map :vector :list :fn",
            "mixed.yaml:13: [4]: expected a manifest (a map, or (capability \"id\" :key value …) in RTFS), found 42 (integer)");
  }

  @Test
  void an_unreadable_file_is_one_problem() throws IOException {
    Manifests.LoadResult r = load("broken.json", "{\"id\": ");
    assertThat(r.manifests()).isEmpty();
    assertThat(r.problems()).hasSize(1);
    assertThat(r.problems().get(0).toString())
        .startsWith(dir.resolve("broken.json") + ":1: not valid JSON");
  }

  @Test
  void every_provider_type_reads() throws IOException {
    Manifests.LoadResult r =
        load(
            "p.yaml",
            """
        - {id: p.local, provider: {type: local, handler: h}}
        - {id: p.http, provider: {type: http, url: "http://x"}}
        - {id: p.mcp, provider: {type: mcp, server: s, tool: t}}
        """);
    assertThat(r.problems()).isEmpty();
    assertThat(r.manifests())
        .extracting(m -> m.provider().type())
        .containsExactly("local", "http", "mcp");
    assertThat(((ProviderSpec.Local) r.manifests().get(0).provider()).handler()).isEqualTo("h");
  }

  @Test
  void provider_types_this_version_cannot_run_are_refused_at_load() throws IOException {
    Manifests.LoadResult r =
        load(
            "planned.yaml",
            """
        - {id: p.a2a, provider: {type: a2a, agent: helper}}
        - {id: p.plugin, provider: {type: plugin, jar: p.jar, class: a.B}}
        - {id: p.sandbox, provider: {type: sandboxed, runtime: wasm, source: m.wasm}}
        - {id: p.stream, provider: {type: stream, source: ticks}}
        - {id: p.ok, provider: local}
        """);
    assertThat(r.manifests()).extracting(CapabilityManifest::id).containsExactly("p.ok");
    assertThat(r.problems())
        .extracting(p -> p.toString().replace(dir + "/", ""))
        .containsExactly(
            "planned.yaml:1: [0].provider: missing required field 'skill'",
            "planned.yaml:2: [1].provider: missing required field 'plugin'",
            "planned.yaml:3: [2].provider.type: provider type 'sandboxed' is not supported by this version of Agora; supported types are a2a, http, local, mcp, plugin, process, remote-rtfs, wasm",
            "planned.yaml:4: [3].provider.type: provider type 'stream' is not supported by this version of Agora; supported types are a2a, http, local, mcp, plugin, process, remote-rtfs, wasm");
  }

  @Test
  void remote_rtfs_runs_on_the_cluster_or_on_nodes_listed_and_each_mistake_is_named()
      throws IOException {
    Manifests.LoadResult r =
        load(
            "remote.yaml",
            """
        - {id: r.cluster, provider: {type: remote-rtfs, implementation: "(fn [x] x)"}}
        - {id: r.named, provider: {type: remote_rtfs, implementation: "(fn [x] x)", nodes: cluster}}
        - {id: r.listed, provider: {type: remote-rtfs, implementation: "(fn [x] x)", nodes: ["http://10.0.0.5:8420/mcp", "https://b.example/mcp"]}}
        - {id: r.none, provider: {type: remote-rtfs}}
        - {id: r.notfn, provider: {type: remote-rtfs, implementation: "42"}}
        - {id: r.ftp, provider: {type: remote-rtfs, implementation: "(fn [x] x)", nodes: ["ftp://n"]}}
        - {id: r.word, provider: {type: remote-rtfs, implementation: "(fn [x] x)", nodes: all}}
        - {id: r.empty, provider: {type: remote-rtfs, implementation: "(fn [x] x)", nodes: []}}
        - {id: r.bad, provider: {type: remote-rtfs, implementation: "(fn [x] x)", nodes: ["http://[bad"]}}
        - {id: r.xml, provider: {type: remote-rtfs, implementation: "(fn [x] x)", transfer: xml}}
        """);
    assertThat(r.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("r.cluster", "r.named", "r.listed");
    ProviderSpec.RemoteRtfs cluster = (ProviderSpec.RemoteRtfs) r.manifests().get(0).provider();
    assertThat(cluster.type()).isEqualTo("remote-rtfs");
    assertThat(cluster.nodes()).as("cluster: the nodes on the store").isEmpty();
    assertThat(cluster.implementation()).isEqualTo(Value.of("(fn [x] x)"));
    assertThat(((ProviderSpec.RemoteRtfs) r.manifests().get(2).provider()).nodes())
        .extracting(URI::toString)
        .containsExactly("http://10.0.0.5:8420/mcp", "https://b.example/mcp");
    assertThat(r.problems())
        .extracting(p -> p.toString().replace(dir + "/", ""))
        .containsExactly(
            "remote.yaml:4: [3].provider: missing required field 'implementation' (the RTFS function the nodes run)",
            "remote.yaml:5: [4].provider.implementation: the RTFS implementation is 42 (integer), not a function such as (fn [input] …)",
            "remote.yaml:6: [5].provider.nodes: 'ftp://n' is not an http(s) URL of a node; use cluster or URLs",
            "remote.yaml:7: [6].provider.nodes: must be cluster or a list of node URLs, not \"all\"",
            "remote.yaml:8: [7].provider.nodes: names no node; use cluster (every node on the store) or node URLs",
            "remote.yaml:9: [8].provider.nodes: 'http://[bad' is not an http(s) URL of a node; use cluster or URLs",
            "remote.yaml:10: [9].provider.transfer: unknown transfer 'xml'; use binary, rtfs or json");
  }

  @Test
  void content_hash_is_stable_and_covers_content() {
    CapabilityManifest a =
        CapabilityManifest.builder("x.y").input("[:map [:a :int]]").effects("pure").build();
    CapabilityManifest b =
        CapabilityManifest.builder("x.y").input("[:map [:a :int]]").effects("pure").build();
    CapabilityManifest c =
        CapabilityManifest.builder("x.y").input("[:map [:a :string]]").effects("pure").build();
    assertThat(Manifests.contentHash(a))
        .hasSize(64)
        .isEqualTo(Manifests.contentHash(b))
        .isNotEqualTo(Manifests.contentHash(c));
  }

  @Test
  void builder_checks_ids_and_versions() {
    assertThatThrownBy(() -> CapabilityManifest.builder("9bad").build())
        .hasMessage("an id starts with an ASCII letter: '9bad'");
    assertThatThrownBy(() -> CapabilityManifest.builder("a..b").build())
        .hasMessage("'a..b' has an empty segment");
    assertThatThrownBy(() -> CapabilityManifest.builder("a.b").version("one").build())
        .hasMessageContaining("not a semantic version");
    assertThat(CapabilityManifest.builder("a.b").version("2.0.0-rc.1+build.5").build().version())
        .isEqualTo("2.0.0-rc.1+build.5");
  }

  @Test
  void json_schema_input_is_validated_as_its_type() throws IOException {
    Manifests.LoadResult r =
        load(
            "s.json",
            """
        {"id": "s.x", "provider": "local",
         "input_schema": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]}}""");
    CapabilityManifest m = r.manifests().get(0);
    assertThat(Validator.conforms(m.input().type(), Reader.readValue("{:n 2}"))).isTrue();
    assertThat(Validator.conforms(m.input().type(), Reader.readValue("{:n 0}"))).isFalse();
    assertThat(Validator.conforms(m.input().type(), Reader.readValue("{}"))).isFalse();
  }
}
