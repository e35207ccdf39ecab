package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.call.policy.Egress;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * agora.yaml's {@code server:} section, read by this module's {@link ServerSection} (found by
 * core's loader on the class path) — core's loader knows nothing of it.
 */
class ServerSectionTest {

  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, content);
    return f;
  }

  /** Loads with {@code section} in place of the one on the class path (another environment). */
  private AgoraConfig load(ServerSection section, Path file) {
    return ConfigLoader.parse(
        Documents.read(file), dir, ConfigLoader.factories(), List.of(section));
  }

  @Test
  void the_loader_finds_the_section_on_the_class_path() throws IOException {
    assertThat(ConfigLoader.sections())
        // core's rtfs:, trust:, approvals:, receipts:, isolation: and telemetry:, and this
        // module's server: and cluster:
        .hasSize(8)
        .anySatisfy(s -> assertThat(s).isInstanceOf(ServerSection.class))
        .anySatisfy(s -> assertThat(s).isInstanceOf(ClusterSection.class));
    AgoraConfig c =
        ConfigLoader.load(
            write(
                """
        contexts: {ops: {level: full}}
        server: {port: 9000, api_keys: [{name: ci, context: ops, sha256: "4a7c449d22a99026fac16a47621ff68792ff589f72334ea3950ce186a5615e9a"}]}
        """));
    assertThat(ServerSection.of(c).port()).isEqualTo(9000);
    assertThat(ServerSection.of(c).apiKeys())
        .extracting(ServerSettings.ApiKey::name)
        .containsExactly("ci");
    assertThat(ServerSection.of(c.with(ServerSection.SECTION, ServerSettings.DEFAULT.at("::1", 0))))
        .isEqualTo(ServerSettings.DEFAULT.at("::1", 0));
    assertThat(ServerSection.of(AgoraConfig.defaults())).isEqualTo(ServerSettings.DEFAULT);
  }

  @Test
  void the_server_section_keeps_only_hashes_of_keys() throws IOException {
    ServerSection section =
        new ServerSection(name -> name.equals("AGORA_TEST_KEY") ? "s3cret" : null);
    {
      AgoraConfig c =
          load(
              section,
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
      ServerSettings s = c.section(section);
      assertThat(s.host()).isEqualTo("0.0.0.0");
      assertThat(s.port()).isZero();
      assertThat(s.anonymous()).isEqualTo("agent");
      assertThat(s.allowedOrigins()).containsExactly("https://console.example");
      assertThat(s.allowedHosts()).containsExactly("agora.internal:8420");
      assertThat(s.keepAlive()).isEqualTo(Duration.ofSeconds(5));
      assertThat(s.apiKeys())
          .containsExactly(
              // SHA-256 of "s3cret": the key itself is never kept
              new ServerSettings.ApiKey(
                  "ci", "1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0", "ops"),
              new ServerSettings.ApiKey(
                  "bot",
                  "4a7c449d22a99026fac16a47621ff68792ff589f72334ea3950ce186a5615e9a",
                  "agent"));
      assertThat(ServerSection.of(ConfigLoader.load(write("contexts: {a: {level: full}}\n"))))
          .isEqualTo(ServerSettings.DEFAULT);
    }
  }

  @Test
  void server_mistakes_are_named_and_literal_keys_refused() throws IOException {
    ServerSection section = new ServerSection(name -> null);
    {
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
            session_idle: 0s
            max_sessions: 0
          """);
      DocumentException e =
          Assertions.catchThrowableOfType(DocumentException.class, () -> load(section, f));
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
              "agora.yaml:13: server.session_idle: expected a positive duration such as \"500ms\", \"30s\" or \"5m\","
                  + " found \"0s\" (string)",
              "agora.yaml:14: server.max_sessions: expected an integer from 1 to 1048576, found 0 (integer)",
              "agora.yaml:12: server.tls: unknown key 'tls'; known keys are host, port, tenants, api_keys, anonymous, "
                  + "allowed_origins, allowed_hosts, keep_alive, max_body, header_timeout, limits, max_in_flight, "
                  + "session_idle, max_sessions, a2a, oauth");
    }
  }

  @Test
  void an_api_key_without_a_name_or_context_or_with_an_empty_variable_is_left_out()
      throws IOException {
    ServerSection section = new ServerSection(name -> name.equals("EMPTY") ? "" : "k");
    Path f =
        write(
            """
        contexts:
          agent: {level: full}
        server:
          api_keys:
            - {context: agent, key_env: SET}
            - {name: b, key_env: SET}
            - {name: c, context: agent, key_env: EMPTY}
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> load(section, f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:5: server.api_keys[0]: missing required field 'name'",
            "agora.yaml:6: server.api_keys[1]: missing required field 'context'",
            "agora.yaml:7: server.api_keys[2].key_env: the environment variable EMPTY is not set");
  }

  @Test
  void body_size_header_timeout_and_rate_limits_are_read_with_their_defaults() throws IOException {
    ServerSettings d = ServerSection.of(ConfigLoader.load(write("contexts: {a: {level: full}}\n")));
    assertThat(d.maxBody()).isEqualTo(4 << 20);
    assertThat(d.headerTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(d.limits()).isEqualTo(ServerSettings.Limits.DEFAULT);
    ServerSection section = new ServerSection(name -> "k");
    ServerSettings s =
        ServerSection.of(
            load(
                section,
                write(
                    """
                contexts:
                  agent: {level: full}
                server:
                  api_keys: [{name: ci, context: agent, key_env: K}]
                  max_body: 512KiB
                  header_timeout: 5s
                  limits:
                    default: {calls_per_second: 10, bytes_per_second: 1MiB, burst: 2s}
                    keys: {ci: {calls_per_second: 0.5}}
                    contexts: {agent: {bytes_per_second: 1000}}
                """)));
    assertThat(s.maxBody()).isEqualTo(512 << 10);
    assertThat(s.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
    ServerSettings.Limit fallback = new ServerSettings.Limit(10, 1 << 20, Duration.ofSeconds(2));
    assertThat(s.limits().fallback()).isEqualTo(fallback);
    assertThat(s.limits().keys())
        .containsExactly(
            Map.entry("ci", new ServerSettings.Limit(0.5, 1 << 20, Duration.ofSeconds(2))));
    assertThat(s.limits().contexts())
        .containsExactly(
            Map.entry("agent", new ServerSettings.Limit(10, 1000, Duration.ofSeconds(2))));
    assertThat(s.at("::1", 1).limits()).isEqualTo(s.limits());
    for (String size : List.of("7", "7B", "7 b")) {
      assertThat(
              ServerSection.of(
                      ConfigLoader.load(
                          write(
                              "contexts: {a: {level: full}}\nserver: {max_body: \""
                                  + size
                                  + "\"}\n")))
                  .maxBody())
          .as(size)
          .isEqualTo(7);
    }
    assertThat(
            ServerSection.of(
                    ConfigLoader.load(
                        write("contexts: {a: {level: full}}\nserver: {max_body: 1GiB}\n")))
                .maxBody())
        .isEqualTo(1 << 30);
  }

  @Test
  void limit_mistakes_are_named() throws IOException {
    Path f =
        write(
            """
        contexts:
          agent: {level: full}
        server:
          max_body: 4 MB
          header_timeout: soon
          limits:
            default: {calls_per_second: 0, bytes_per_second: -1, burst: 0s, speed: 3}
            keys: {ghost: {}}
            contexts: {nobody: {bytes_per_second: 99999999999GiB}}
            every: 1s
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(
            DocumentException.class, () -> load(new ServerSection(n -> null), f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:4: server.max_body: expected a size from 1 byte to 2147483646 bytes, such as"
                + " 65536, \"512KiB\" or \"4MiB\", found \"4 MB\" (string)",
            "agora.yaml:5: server.header_timeout: expected a positive duration such as \"500ms\","
                + " \"30s\" or \"5m\", found \"soon\" (string)",
            "agora.yaml:7: server.limits.default.calls_per_second: expected a number from 1.0E-6 to"
                + " 1.0E9, found 0 (integer)",
            "agora.yaml:7: server.limits.default.bytes_per_second: expected a size from 1 byte to"
                + " 8796093022207 bytes, such as 65536, \"512KiB\" or \"4MiB\", found -1 (integer)",
            "agora.yaml:7: server.limits.default.burst: expected a positive duration such as"
                + " \"500ms\", \"30s\" or \"5m\", found \"0s\" (string)",
            "agora.yaml:7: server.limits.default.speed: unknown key 'speed'; known keys are"
                + " calls_per_second, bytes_per_second, burst",
            "agora.yaml:8: server.limits.keys.ghost: no API key named 'ghost'",
            "agora.yaml:9: server.limits.contexts.nobody: no context named 'nobody'",
            "agora.yaml:9: server.limits.contexts.nobody.bytes_per_second: expected a size from 1"
                + " byte to 8796093022207 bytes, such as 65536, \"512KiB\" or \"4MiB\", found"
                + " \"99999999999GiB\" (string)",
            "agora.yaml:10: server.limits.every: unknown key 'every'; known keys are default, keys,"
                + " contexts");
  }

  @Test
  void oauth_is_read_in_order_with_its_defaults_and_its_mistakes_named() throws IOException {
    ServerSettings.OAuth o =
        ServerSection.of(
                ConfigLoader.load(
                    write(
                        """
        contexts: {ops: {level: full}, agent: {level: controlled, allow: []}}
        server:
          oauth:
            issuer: https://auth.example.com/realms/agora
            scopes: {"agora:operator": ops, "agora:agent": agent}
        """)))
            .oauth();
    assertThat(o.issuer()).hasToString("https://auth.example.com/realms/agora");
    assertThat(o.audience()).isNull();
    assertThat(o.jwksUrl()).isNull();
    assertThat(o.clockSkew()).hasSeconds(60);
    assertThat(o.requireTenant()).isFalse();
    assertThat(o.scopes())
        .containsExactly(Map.entry("agora:operator", "ops"), Map.entry("agora:agent", "agent"));
    assertThat(ServerSettings.DEFAULT.oauth()).isNull();
    Path f =
        write(
            """
        contexts: {ops: {level: full}}
        server:
          oauth:
            jwks_url: ftp://keys
            audience: ""
            scopes: {"agora:x": ghost}
            clock_skew: never
            client_secret: s3cret
        """);
    DocumentException e =
        Assertions.catchThrowableOfType(
            DocumentException.class, () -> load(new ServerSection(n -> null), f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:3: server.oauth: missing required field 'issuer'",
            "agora.yaml:4: server.oauth.jwks_url: 'ftp://keys' is not an http(s) URL",
            "agora.yaml:5: server.oauth.audience: expected this server's resource URL, found an"
                + " empty string",
            "agora.yaml:6: server.oauth.scopes.agora:x: no context named 'ghost' under contexts",
            "agora.yaml:7: server.oauth.clock_skew: expected a positive duration such as \"500ms\","
                + " \"30s\" or \"5m\", found \"never\" (string)",
            "agora.yaml:8: server.oauth.client_secret: unknown key 'client_secret'; known keys are"
                + " issuer, jwks_url, audience, scopes, clock_skew, tenant_claim, require_tenant");
    Path none = write("contexts: {ops: {level: full}}\nserver: {oauth: {issuer: \"https://a\"}}\n");
    DocumentException e2 =
        Assertions.catchThrowableOfType(
            DocumentException.class, () -> load(new ServerSection(n -> null), none));
    assertThat(e2.problems().toString()).contains("server.oauth.scopes: name at least one scope");
    Path clear =
        write(
            "contexts: {ops: {level: full}}\nserver: {oauth: {issuer: \"http://auth.example.com\","
                + " jwks_url: \"http://localhost:8080/jwks\", scopes: {a: ops}}}\n");
    DocumentException e3 =
        Assertions.catchThrowableOfType(
            DocumentException.class, () -> load(new ServerSection(n -> null), clear));
    assertThat(e3.problems())
        .singleElement()
        .asString()
        .contains(
            "server.oauth.issuer: 'http://auth.example.com' must be https (plain http only on"
                + " loopback)");
  }

  @Test
  void tenants_are_read_and_their_mistakes_named() throws IOException {
    ServerSettings t =
        ServerSection.of(
            ConfigLoader.load(
                write(
                    """
        contexts: {ops: {level: full}}
        server:
          tenants:
            acme: {capabilities: ["acme.*"], limits: {calls_per_second: 5}}
            globex: {capabilities: ["globex.*"]}
          api_keys: [{name: a, context: ops, tenant: acme, sha256: "%s"}]
        """
                        .formatted("a".repeat(64)))));
    assertThat(t.tenants()).containsOnlyKeys("acme", "globex");
    assertThat(t.tenants().get("acme").limit().callsPerSecond()).isEqualTo(5.0);
    assertThat(t.tenants().get("globex").limit()).isNull();
    assertThat(t.apiKeys().get(0).tenant()).isEqualTo("acme");
    Path f =
        write(
            """
        contexts: {ops: {level: full}}
        server:
          tenants:
            "bad name": {capabilities: ["x.*"]}
            empty: {capabilities: [], color: red}
            first: {sources: [crm]}
            second: {sources: [crm]}
          api_keys: [{name: a, context: ops, tenant: ghost, sha256: "%s"}]
        """
                .formatted("a".repeat(64)));
    DocumentException e =
        Assertions.catchThrowableOfType(
            DocumentException.class, () -> load(new ServerSection(n -> null), f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:4: server.tenants.bad name: a tenant's name is letters, digits, '.', '_'"
                + " and '-'",
            "agora.yaml:5: server.tenants.empty.capabilities: name the capabilities the tenant may"
                + " call, e.g. [\"acme.*\"], or its sources",
            "agora.yaml:5: server.tenants.empty.color: unknown key 'color'; known keys are"
                + " capabilities, sources, limits",
            "agora.yaml:7: server.tenants.second.sources: source 'crm' is already tenant 'first's"
                + " own",
            "agora.yaml:8: server.api_keys[0].tenant: no tenant named 'ghost' under"
                + " server.tenants");
  }

  @Test
  void the_example_in_the_documentation_is_valid() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
    dev.agora.core.trust.Keys.generate(dir.resolve("keys"), "acme"); // the key trust: names
    AgoraConfig c = ConfigLoader.load(write(doc.substring(start, doc.indexOf("```", start))));
    assertThat(dev.agora.core.trust.TrustSection.of(c).authorities()).containsOnlyKeys("acme");
    assertThat(c.sources()).hasSize(2);
    assertThat(c.contexts()).containsOnlyKeys("operator", "agent", "sandbox");
    assertThat(c.policy().windows()).hasSize(1);
    assertThat(ServerSection.of(c).apiKeys())
        .extracting(ServerSettings.ApiKey::context)
        .containsExactly("operator");
    assertThat(ServerSection.of(c).anonymous()).isEqualTo("sandbox");
    assertThat(c.policy().egress()).isEqualTo(Egress.DEFAULT);
    assertThat(c.resilience().rules()).hasSize(1);
    assertThat(c.resilience().providers()).containsOnlyKeys("mcp");
  }
}
