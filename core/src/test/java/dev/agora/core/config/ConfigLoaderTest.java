package dev.agora.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.PolicyEngine;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.call.resilience.ResilienceSettings;
import dev.agora.core.discovery.FileSource;
import dev.agora.core.discovery.StaticSource;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, content);
    return f;
  }

  @Test
  void a_full_configuration() throws IOException {
    AgoraConfig c =
        ConfigLoader.load(
            write(
                """
        sources:
          - {name: local, type: files, path: manifests, watch: false}
          - name: inline
            type: static
            capabilities:
              - {id: inline.one, provider: local, effects: [pure]}
        policy:
          allow: ["ccos.*", "inline.*", "billing.*"]
          deny: ["ccos.system.*"]
          default_timeout: 15s
          namespaces:
            billing: {allow: ["billing.read.*"], timeout: 5s, max_concurrent: 4}
          time_windows:
            - {zone: Europe/Oslo, days: [mon, tue, wed, thu, fri], hours: "08:00-18:00", capabilities: ["billing.*"]}
          limits:
            - {capabilities: "slow.*", timeout: 2s, max_concurrent: 2}
        contexts:
          operator: {level: full}
          agent: {level: controlled, allow: ["ccos.*"], effects: [time, ":Logging"], permissions: [p1]}
          sandbox: {level: pure}
        default_context: agent
        storage: {type: memory}
        """));
    assertThat(c.sources()).hasSize(2);
    assertThat(c.sources().get(0)).isInstanceOf(FileSource.class);
    assertThat(((FileSource) c.sources().get(0)).directory()).isEqualTo(dir.resolve("manifests"));
    assertThat(((StaticSource) c.sources().get(1)).manifests()).hasSize(1);
    assertThat(c.policy().defaultTimeout()).isEqualTo(Duration.ofSeconds(15));
    PolicyEngine e = new PolicyEngine(c.policy());
    Instant tuesdayNoon = Instant.parse("2026-06-02T10:00:00Z");
    Instant saturday = Instant.parse("2026-06-06T10:00:00Z");
    assertThat(e.denial("ccos.echo", tuesdayNoon)).isNull();
    assertThat(e.denial("ccos.system.env", tuesdayNoon))
        .isEqualTo("policy.deny[0] 'ccos.system.*'");
    assertThat(e.denial("billing.read.invoice", tuesdayNoon)).isNull();
    assertThat(e.denial("billing.read.invoice", saturday)).contains("policy.time_windows[0]");
    assertThat(e.denial("billing.write", tuesdayNoon))
        .startsWith("policy.namespaces.billing.allow");
    assertThat(e.denial("other.x", tuesdayNoon)).startsWith("policy.allow");
    assertThat(e.verdict("slow.x").timeout()).isEqualTo(Duration.ofSeconds(2));
    SecurityContext agent = c.context(null);
    assertThat(agent.identity()).isEqualTo("agent");
    assertThat(agent.level()).isEqualTo(SecurityContext.Level.CONTROLLED);
    assertThat(agent.allowedEffects()).containsExactlyInAnyOrder("time", "logging");
    assertThat(c.context("operator").permissions()).containsExactly("*");
    assertThat(c.context("sandbox").level()).isEqualTo(SecurityContext.Level.PURE);
    assertThatThrownBy(() -> c.context("root"))
        .hasMessage(
            "no security context 'root' in "
                + dir.resolve("agora.yaml")
                + "; known contexts: agent, operator, sandbox");
  }

  @Test
  void every_mistake_is_named_with_file_line_and_key() throws IOException {
    Path f =
        write(
            """
        sources:
          - {type: ftp, path: x}
          - {type: files}
        policy:
          deny: ["ccos.(bad)"]
          default_timeout: forever
          namespaces:
            "bad ns": {}
            ok: {max_concurrent: 0, colour: red}
          time_windows:
            - {zone: Mars/Olympus, days: [someday], hours: "9-5"}
        contexts:
          agent: {level: godlike}
          bot: {level: controlled}
        default_context: nobody
        storage: {type: oracle, password: hunter2}
        chain: {durability: maybe, redact: ["("], trusted_keys: [nope]}
        extra: 1
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: sources[0].type: unknown source type 'ftp'; known types: files, static",
            "agora.yaml:3: sources[1]: missing required field 'path'",
            "agora.yaml:5: policy.deny: 'ccos.(bad)' contains '('; patterns use id characters and the wildcards * and ?",
            "agora.yaml:6: policy.default_timeout: expected a positive duration such as \"500ms\", \"30s\" or \"5m\", found \"forever\" (string)",
            "agora.yaml:8: policy.namespaces.bad ns: 'bad ns' is not a namespace: 'bad ns' contains ' '; ids use letters, digits, _ and -, with . : / between segments",
            "agora.yaml:9: policy.namespaces.ok.max_concurrent: expected an integer from 1 to 100000, found 0 (integer)",
            "agora.yaml:9: policy.namespaces.ok.colour: unknown key 'colour'; known keys are allow, deny, timeout, max_concurrent",
            "agora.yaml:11: policy.time_windows[0].zone: unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Oslo",
            "agora.yaml:11: policy.time_windows[0].days: 'someday' is not a day; use mon, tue, wed, thu, fri, sat, sun",
            "agora.yaml:11: policy.time_windows[0].hours: '9-5' is not a range of local times such as \"08:00-18:00\"",
            "agora.yaml:13: contexts.agent.level: 'godlike' is not a level; use pure, controlled or full",
            "agora.yaml:14: contexts.bot: a controlled context needs 'allow': the capabilities it may call ([] for none)",
            "agora.yaml:15: default_context: no context named 'nobody' under contexts",
            "agora.yaml:16: storage.password: passwords do not belong in agora.yaml; put it in an environment variable "
                + "and name that variable with password_env",
            "agora.yaml:16: storage.type: unknown storage type 'oracle'; this build has memory",
            "agora.yaml:17: chain.durability: use durable (acknowledge once on disk) or async (acknowledge at once)",
            "agora.yaml:17: chain.redact: '(' is not a regular expression: Unclosed group",
            "agora.yaml:17: chain.trusted_keys: not a verifier key: expected <name>+<hash>+<key>",
            "agora.yaml:18: extra: unknown key 'extra'; known keys are sources, policy, contexts, default_context, "
                + "data_dir, storage, chain, server, resilience");
  }

  @Test
  void the_egress_policy() throws IOException {
    AgoraConfig c =
        ConfigLoader.load(
            write(
                """
        policy:
          egress: {allow: ["api.example.com", "*.example.org", "127.0.0.1:8080"], private: ["127.0.0.1:8080"]}
        """));
    assertThat(c.policy().egress().allow())
        .containsExactly("api.example.com", "*.example.org", "127.0.0.1:8080");
    assertThat(c.policy().egress().privateHosts()).containsExactly("127.0.0.1:8080");
    assertThat(ConfigLoader.load(write("policy: {}\n")).policy().egress())
        .isEqualTo(Egress.DEFAULT);
    Path bad =
        write(
            """
        policy:
          egress: {allow: ["api.*.com"], private: ["http://x/"], proxy: none}
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(bad));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(bad.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: policy.egress.allow: 'api.*.com': a wildcard may only stand for the whole host (*) or its "
                + "leftmost labels (*.example.com)",
            "agora.yaml:2: policy.egress.private: 'http://x/' is not a host pattern; write a host such as api.example.com, "
                + "*.example.com or 127.0.0.1:8080",
            "agora.yaml:2: policy.egress.proxy: unknown key 'proxy'; known keys are allow, private");
  }

  @Test
  void the_resilience_section() throws IOException {
    AgoraConfig c =
        ConfigLoader.load(
            write(
                """
        resilience:
          defaults: {retry: {max_attempts: 4, backoff: 50ms}, bulkhead: {max_concurrent: 32}}
          providers:
            mcp: {circuit_breaker: off, rate_limit: {per_second: 20, max_wait: 100ms}}
          capabilities:
            - {capabilities: "weather.*", cache: {ttl: 5m, max_size: 500}, fallback: [weather.backup]}
            - {capabilities: "pay.*", retry: off}
        """));
    ResiliencePolicy r = c.resilience();
    assertThat(r.defaults().retry())
        .isEqualTo(
            new ResilienceSettings.Retry(
                4, Duration.ofMillis(50), Duration.ofSeconds(2), 2.0, 0.5));
    assertThat(r.defaults().breaker())
        .isEqualTo(ResilienceSettings.CircuitBreaker.DEFAULT); // kept from the built-in
    assertThat(r.defaults().bulkhead())
        .isEqualTo(new ResilienceSettings.Bulkhead(32, Duration.ZERO));
    assertThat(r.providers().get("mcp").breaker()).isNull();
    assertThat(r.providers().get("mcp").rateLimit())
        .isEqualTo(new ResilienceSettings.RateLimit(20, Duration.ofMillis(100)));
    assertThat(r.rules())
        .extracting(ResiliencePolicy.Rule::where)
        .containsExactly("resilience.capabilities[0]", "resilience.capabilities[1]");
    assertThat(r.rules().get(0).settings().cache())
        .isEqualTo(new ResilienceSettings.Cache(Duration.ofMinutes(5), 500));
    assertThat(r.rules().get(0).settings().fallback()).containsExactly("weather.backup");
    assertThat(r.rules().get(1).settings().retry()).isEqualTo(ResilienceSettings.Retry.OFF);
    assertThat(ConfigLoader.load(write("{}\n")).resilience()).isEqualTo(ResiliencePolicy.DEFAULT);

    Path bad =
        write(
            """
        resilience:
          defaults: {retry: {max_attempts: 0, jitter: 2}, circuit_breaker: {failure_rate: 150}, retries: 3}
          capabilities:
            - {capabilities: "a.(b)", fallback: ["not an id"]}
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(bad));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(bad.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: resilience.defaults.retry.max_attempts: expected an integer from 1 to 100, found 0 (integer)",
            "agora.yaml:2: resilience.defaults.retry.jitter: expected a number from 0.0 to 1.0, found 2 (integer)",
            "agora.yaml:2: resilience.defaults.circuit_breaker.failure_rate: expected an integer from 1 to 100, found 150 "
                + "(integer)",
            "agora.yaml:2: resilience.defaults.retries: unknown key 'retries'; known keys are retry, circuit_breaker, "
                + "bulkhead, rate_limit, cache, fallback",
            "agora.yaml:4: resilience.capabilities[0].capabilities: 'a.(b)' contains '('; patterns use id characters and "
                + "the wildcards * and ?",
            "agora.yaml:4: resilience.capabilities[0].fallback: 'not an id' is not a capability id: 'not an id' contains "
                + "' '; ids use letters, digits, _ and -, with . : / between segments");
  }

  @Test
  void the_server_section_keeps_only_hashes_of_keys() throws IOException {
    var saved = ConfigLoader.environment;
    ConfigLoader.environment = name -> name.equals("AGORA_TEST_KEY") ? "s3cret" : null;
    try {
      AgoraConfig c =
          ConfigLoader.load(
              write(
                  """
          contexts:
            agent: {level: controlled, allow: ["ccos.*"]}
            ops: {level: full}
          server:
            host: 0.0.0.0
            port: 0
            anonymous: agent
            allowed_origins: ["https://console.example"]
            allowed_hosts: ["agora.internal:8420"]
            keep_alive: 5s
            api_keys:
              - {name: ci, context: ops, key_env: AGORA_TEST_KEY}
              - {name: bot, context: agent, sha256: "4A7C449D22A99026FAC16A47621FF68792FF589F72334EA3950CE186A5615E9A"}
          """));
      AgoraConfig.Server s = c.server();
      assertThat(s.host()).isEqualTo("0.0.0.0");
      assertThat(s.port()).isZero();
      assertThat(s.anonymous()).isEqualTo("agent");
      assertThat(s.allowedOrigins()).containsExactly("https://console.example");
      assertThat(s.allowedHosts()).containsExactly("agora.internal:8420");
      assertThat(s.keepAlive()).isEqualTo(Duration.ofSeconds(5));
      assertThat(s.apiKeys())
          .containsExactly(
              // SHA-256 of "s3cret": the key itself is never kept
              new AgoraConfig.ApiKey(
                  "ci", "1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0", "ops"),
              new AgoraConfig.ApiKey(
                  "bot",
                  "4a7c449d22a99026fac16a47621ff68792ff589f72334ea3950ce186a5615e9a",
                  "agent"));
      assertThat(ConfigLoader.load(write("contexts: {a: {level: full}}\n")).server())
          .isEqualTo(AgoraConfig.Server.DEFAULT);
    } finally {
      ConfigLoader.environment = saved;
    }
  }

  @Test
  void server_mistakes_are_named_and_literal_keys_refused() throws IOException {
    var saved = ConfigLoader.environment;
    ConfigLoader.environment = name -> null;
    try {
      Path f =
          write(
              """
          contexts:
            agent: {level: full}
          server:
            port: 70000
            anonymous: nobody
            api_keys:
              - {name: a, context: agent}
              - {name: b, context: agent, sha256: abc}
              - {name: c, context: agent, key_env: NOT_SET}
              - {name: d, context: ghost, sha256: "4a7c449d22a99026fac16a47621ff68792ff589f72334ea3950ce186a5615e9a"}
              - {name: e, context: agent, key: hunter2}
            tls: true
          """);
      DocumentException e =
          Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(f));
      assertThat(e.problems())
          .extracting(DocumentProblem::toString)
          .noneMatch(p -> p.contains("hunter2"));
      assertThat(e.problems())
          .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
          .containsExactly(
              "agora.yaml:4: server.port: expected an integer from 0 to 65535, found 70000 (integer)",
              "agora.yaml:7: server.api_keys[0]: an API key needs either key_env (the variable holding it) or sha256 "
                  + "(the hex SHA-256 of it)",
              "agora.yaml:8: server.api_keys[1].sha256: expected 64 hex digits",
              "agora.yaml:9: server.api_keys[2].key_env: the environment variable NOT_SET is not set",
              "agora.yaml:10: server.api_keys[3].context: no context named 'ghost' under contexts",
              "agora.yaml:11: server.api_keys[4]: an API key needs either key_env (the variable holding it) or sha256 "
                  + "(the hex SHA-256 of it)",
              "agora.yaml:11: server.api_keys[4].key: API keys do not belong in agora.yaml; put the key in an environment "
                  + "variable (key_env) or give its sha256",
              "agora.yaml:5: server.anonymous: no context named 'nobody' under contexts",
              "agora.yaml:12: server.tls: unknown key 'tls'; known keys are host, port, api_keys, anonymous, "
                  + "allowed_origins, allowed_hosts, keep_alive");
    } finally {
      ConfigLoader.environment = saved;
    }
  }

  @Test
  void no_file_means_the_defaults_and_a_broken_file_one_problem() throws IOException {
    AgoraConfig c = ConfigLoader.find(null, dir);
    assertThat(c.file()).isNull();
    assertThat(c.sources()).isEmpty();
    assertThat(c.context(null).level()).isEqualTo(SecurityContext.Level.FULL);
    Path f = write("policy: [\n");
    assertThatThrownBy(() -> ConfigLoader.find(null, dir))
        .isInstanceOf(DocumentException.class)
        .satisfies(
            x ->
                assertThat(((DocumentException) x).problems())
                    .extracting(DocumentProblem::file)
                    .containsExactly(f.toString()));
    assertThatThrownBy(() -> ConfigLoader.find(dir.resolve("missing.yaml"), dir))
        .isInstanceOf(DocumentException.class)
        .hasMessage(dir.resolve("missing.yaml") + ": no such file");
  }

  @Test
  void the_example_in_the_documentation_is_valid() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
    AgoraConfig c = ConfigLoader.load(write(doc.substring(start, doc.indexOf("```", start))));
    assertThat(c.sources()).hasSize(2);
    assertThat(c.contexts()).containsOnlyKeys("operator", "agent", "sandbox");
    assertThat(c.policy().windows()).hasSize(1);
    assertThat(c.server().apiKeys())
        .extracting(AgoraConfig.ApiKey::context)
        .containsExactly("operator");
    assertThat(c.server().anonymous()).isEqualTo("sandbox");
    assertThat(c.policy().egress()).isEqualTo(Egress.DEFAULT);
    assertThat(c.resilience().rules()).hasSize(1);
    assertThat(c.resilience().providers()).containsOnlyKeys("mcp");
  }

  @Test
  void an_empty_file_is_the_defaults() throws IOException {
    AgoraConfig c = ConfigLoader.load(write("# nothing yet\n"));
    assertThat(c.policy().allow()).hasSize(1);
    assertThat(c.contexts()).containsOnlyKeys("local");
    assertThat(List.of(c.defaultContext())).containsExactly("local");
  }
}
