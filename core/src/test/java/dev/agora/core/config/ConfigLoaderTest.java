package dev.agora.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.Receipt;
import dev.agora.core.call.policy.Egress;
import dev.agora.core.call.policy.PolicyEngine;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.call.resilience.ResiliencePolicy;
import dev.agora.core.call.resilience.ResilienceSettings;
import dev.agora.core.discovery.FileSource;
import dev.agora.core.discovery.StaticSource;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Fields;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Limits;
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
        chain: {max_stored_bytes: 1024}
        """));
    assertThat(c.chain().maxStoredBytes()).isEqualTo(1024);
    assertThat(c.chain().settings().recording().maxStoredBytes()).isEqualTo(1024);
    assertThat(AgoraConfig.defaults().chain().settings().recording().maxStoredBytes())
        .as("64 KiB unless configured")
        .isEqualTo(65_536);
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
        chain: {durability: maybe, redact: ["("], trusted_keys: [nope], max_stored_bytes: -1}
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
            "agora.yaml:17: chain.max_stored_bytes: expected an integer from 0 to 2147483647, found -1 (integer)",
            "agora.yaml:17: chain.trusted_keys: not a verifier key: expected <name>+<hash>+<key>",
            "agora.yaml:18: extra: unknown key 'extra'; known keys are sources, policy, contexts, default_context, "
                + "data_dir, storage, chain, resilience, isolation, trust, rtfs, approvals, receipts, telemetry");
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
  void an_empty_file_is_the_defaults() throws IOException {
    AgoraConfig c = ConfigLoader.load(write("# nothing yet\n"));
    assertThat(c.policy().allow()).hasSize(1);
    assertThat(c.contexts()).containsOnlyKeys("local");
    assertThat(List.of(c.defaultContext())).containsExactly("local");
  }

  // ---- modules' sections ----

  /** A module's section as a module would write one: a greeting for one of the contexts. */
  record Greeting(String text, String to) {}

  static class GreetingSection implements ConfigSection<Greeting> {
    @Override
    public String key() {
      return "greeting";
    }

    @Override
    public Greeting read(Fields f, ConfigSection.Core core) {
      String to = f.string("to", "local");
      if (!core.contexts().contains(to)) {
        f.problem("to", "no context named '" + to + "' under contexts");
      }
      Greeting g = new Greeting(f.string("text", "hello"), to);
      f.rejectUnknown();
      return g;
    }

    @Override
    public Greeting defaults() {
      return new Greeting("hello", "local");
    }
  }

  private AgoraConfig withGreeting(String yaml) throws IOException {
    return ConfigLoader.parse(
        Documents.read(write(yaml)), dir, ConfigLoader.factories(), List.of(new GreetingSection()));
  }

  @Test
  void a_module_reads_its_own_section_and_sees_the_contexts() throws IOException {
    GreetingSection section = new GreetingSection();
    AgoraConfig c = withGreeting("contexts: {ops: {level: full}}\ngreeting: {text: hi, to: ops}\n");
    assertThat(c.section(section)).isEqualTo(new Greeting("hi", "ops"));
    assertThat(c.with(section, new Greeting("bye", "ops")).section(section))
        .isEqualTo(new Greeting("bye", "ops"));
    assertThat(withGreeting("policy: {}\n").section(section)).isEqualTo(section.defaults());
    assertThat(AgoraConfig.defaults().section(section)).isEqualTo(section.defaults());
  }

  @Test
  void a_module_section_reports_its_problems_with_their_lines() throws IOException {
    DocumentException e =
        Assertions.catchThrowableOfType(
            DocumentException.class,
            () -> withGreeting("greeting:\n  to: nobody\n  colour: red\n"));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(dir.resolve("agora.yaml").toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: greeting.to: no context named 'nobody' under contexts",
            "agora.yaml:3: greeting.colour: unknown key 'colour'; known keys are to, text");
    assertThat(
            Assertions.catchThrowableOfType(
                    DocumentException.class, () -> withGreeting("greeting: [1]\n"))
                .problems())
        .extracting(DocumentProblem::message)
        .containsExactly("expected a map, found a vector of 1 item");
  }

  /**
   * A section that contributes a discovery source named after its greeting (the plugins one does).
   */
  static class SourcingSection extends GreetingSection {
    final List<String> closed = new java.util.ArrayList<>();

    @Override
    public List<DiscoverySource> sources(Greeting g, ConfigSection.Core core) {
      return List.of(
          new DiscoverySource() {
            @Override
            public String name() {
              return g.text();
            }

            @Override
            public Found discover() {
              return new Found(List.of(), List.of());
            }

            @Override
            public void close() {
              closed.add(g.text());
            }
          });
    }
  }

  @Test
  void a_module_section_may_add_discovery_sources_unless_it_has_problems() throws IOException {
    SourcingSection section = new SourcingSection();
    AgoraConfig c =
        ConfigLoader.parse(
            Documents.read(write("greeting: {text: plugins}\n")),
            dir,
            ConfigLoader.factories(),
            List.of(section));
    assertThat(c.sources()).extracting(DiscoverySource::name).containsExactly("plugins");
    assertThat(new GreetingSection().sources(new Greeting("x", "local"), null)).isEmpty();
    assertThat(
            Assertions.catchThrowableOfType(
                DocumentException.class,
                () ->
                    ConfigLoader.parse(
                        Documents.read(write("greeting: {text: bad, to: nobody}\n")),
                        dir,
                        ConfigLoader.factories(),
                        List.of(section))))
        .isNotNull();
    assertThat(
            Assertions.catchThrowableOfType(
                DocumentException.class,
                () ->
                    ConfigLoader.parse(
                        Documents.read(write("greeting: {text: other}\nnonsense: 1\n")),
                        dir,
                        ConfigLoader.factories(),
                        List.of(section))))
        .isNotNull();
    assertThat(section.closed).containsExactly("other"); // made, then closed with the file refused
  }

  @Test
  void the_receipts_section_chooses_the_mode_and_defaults_to_batched() throws IOException {
    assertThat(ReceiptsSection.of(AgoraConfig.defaults())).isEqualTo(Receipt.Mode.BATCHED);
    assertThat(ReceiptsSection.of(ConfigLoader.load(write("receipts: {mode: batched}\n"))))
        .isEqualTo(Receipt.Mode.BATCHED);
    assertThat(ReceiptsSection.of(ConfigLoader.load(write("receipts: {mode: off}\n"))))
        .isEqualTo(Receipt.Mode.OFF);
    assertThat(ReceiptsSection.of(ConfigLoader.load(write("receipts: {mode: immediate}\n"))))
        .isEqualTo(Receipt.Mode.IMMEDIATE);
    assertThat(
            Assertions.catchThrowableOfType(
                    DocumentException.class,
                    () -> ConfigLoader.load(write("receipts: {mode: sometimes, x: 1}\n")))
                .problems())
        .extracting(DocumentProblem::message)
        .containsExactly(
            "unknown key 'x'; known keys are mode",
            "use immediate (signed as the call returns), batched (completed by an inclusion"
                + " proof) or off");
  }

  @Test
  void the_rtfs_section_sets_plan_budgets_and_defaults_to_a_minute_and_256_mib()
      throws IOException {
    assertThat(RtfsSection.of(AgoraConfig.defaults()))
        .isEqualTo(Limits.DEFAULT.withTimeout(Duration.ofSeconds(60)));
    Limits l =
        RtfsSection.of(
            ConfigLoader.load(
                write("rtfs: {timeout: 5s, max_steps: 1000, max_memory_bytes: 1048576}\n")));
    assertThat(l.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(l.maxSteps()).isEqualTo(1000);
    assertThat(l.maxMemory()).isEqualTo(1 << 20);
    assertThat(RtfsSection.of(ConfigLoader.load(write("rtfs: {}\n"))))
        .isEqualTo(RtfsSection.DEFAULTS);
  }

  @Test
  void a_section_no_module_on_the_class_path_claims_is_an_unknown_key() throws IOException {
    Path f = write("contexts: {a: {level: full}}\nserver: {port: 8080}\n");
    DocumentException e =
        Assertions.catchThrowableOfType(DocumentException.class, () -> ConfigLoader.load(f));
    assertThat(e.problems())
        .extracting(p -> p.toString().replace(f.toString(), "agora.yaml"))
        .containsExactly(
            "agora.yaml:2: server: unknown key 'server'; known keys are sources, policy, contexts, "
                + "default_context, data_dir, storage, chain, resilience, isolation, trust, rtfs, approvals, receipts, telemetry");
    assertThat(ConfigLoader.sections()) // core alone
        .extracting(ConfigSection::key)
        .containsExactlyInAnyOrder(
            "rtfs", "trust", "approvals", "receipts", "isolation", "telemetry");
  }

  @Test
  void two_modules_may_not_claim_one_section_nor_a_module_one_of_cores() {
    ConfigSection<Greeting> policy =
        new GreetingSection() {
          @Override
          public String key() {
            return "policy";
          }
        };
    assertThat(ConfigLoader.checked(List.of(new GreetingSection()))).hasSize(1);
    assertThatThrownBy(
            () -> ConfigLoader.checked(List.of(new GreetingSection(), new GreetingSection())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("agora.yaml's 'greeting' section is claimed by ")
        .hasMessageContaining("GreetingSection and by ");
    assertThatThrownBy(() -> ConfigLoader.checked(List.of(policy)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("agora.yaml's 'policy' section is claimed by core and by ");
  }
}
