package dev.agora.core.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.doc.DocumentException;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Fields;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.registry.Registry;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.ConfigSection;
import dev.agora.core.spi.IsolationDemands;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Isolation levels: classification, the isolation: rules, and refusal at registration. */
class IsolationTest {

  @TempDir Path dir;
  final MemorySink sink = new MemorySink(10_000);

  static final String RULES =
      """
      isolation:
        - {effects: [process, filesystem.write], require: process}
        - {capabilities: "untrusted.*", require: wasm}
      """;

  AgoraConfig config(String yaml) throws Exception {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, "storage: {type: memory}\n" + yaml);
    return ConfigLoader.load(f);
  }

  Marketplace marketplace(String yaml, Provider... providers) throws Exception {
    Marketplace.Builder b = Marketplace.builder().config(config(yaml)).sink(sink).log(l -> {});
    for (Provider p : providers) {
      b.provider(p);
    }
    return b.build();
  }

  /** A provider of type {@code type} that gives {@code level} and echoes its input. */
  record Giving(String type, IsolationLevel level) implements Provider {
    @Override
    public Value execute(CapabilityManifest manifest, Value input, CallContext call) {
      return input;
    }

    @Override
    public IsolationLevel isolation(CapabilityManifest manifest) {
      return level;
    }
  }

  static CapabilityManifest cap(String id, String type, String... effects) {
    ProviderSpec spec =
        switch (type) {
          case "process" -> // isolation: none, so that only the rules require anything
              new ProviderSpec.Process(
                  List.of("true"), Dict.of(Value.keyword("isolation"), Value.of("none")));
          case "wasm" -> new ProviderSpec.Wasm("m.wasm", "f", Dict.EMPTY);
          default -> new ProviderSpec.Local(null, Dict.EMPTY);
        };
    return CapabilityManifest.builder(id).provider(spec).effects(effects).build();
  }

  String refusedWhy(Marketplace m, CapabilityManifest c) {
    assertThat(m.register(c, "test")).isEqualTo(Registry.Change.REFUSED);
    assertThat(m.registry().get(c.id())).as("nothing refused is registered").isNull();
    Event e = sink.events(EventType.CapabilityRefused).getLast();
    assertThat(e.capabilityId()).isEqualTo(c.id());
    assertThat(e.errorKind()).isEqualTo("Isolation");
    assertThat(m.registry().refusal(c.id(), c.version())).isEqualTo(e.error());
    return e.error();
  }

  @Test
  void aCapabilityWhoseProviderGivesLessThanARuleRequiresIsRefusedAndItsCallsDenied()
      throws Exception {
    try (Marketplace m = marketplace(RULES, new Giving("process", IsolationLevel.IN_PROCESS))) {
      String why = refusedWhy(m, cap("tools.shell", "process", "process"));
      assertThat(why)
          .isEqualTo(
              "needs isolation 'process' by isolation rule 1 (effects [process,"
                  + " filesystem.write]), but its provider 'process' gives 'in-process' on this"
                  + " host");
      assertThatThrownBy(
              () ->
                  m.call(CallRequest.of("tools.shell", Dict.EMPTY, SecurityContext.full("local"))))
          .isInstanceOfSatisfying(
              AgoraError.AccessDenied.class,
              e -> assertThat(e.getMessage()).contains(why).contains("isolation"));
    }
  }

  @Test
  void aProviderGivingTheLevelOrAStrongerOneIsAdmittedAndCalled() throws Exception {
    try (Marketplace m =
        marketplace(
            RULES,
            new Giving("process", IsolationLevel.PROCESS),
            new Giving("wasm", IsolationLevel.WASM))) {
      assertThat(m.register(cap("tools.shell", "process", "filesystem.write.tmp"), "test"))
          .isEqualTo(Registry.Change.REGISTERED);
      assertThat(m.register(cap("untrusted.sum", "wasm"), "test"))
          .isEqualTo(Registry.Change.REGISTERED);
      assertThat(m.register(cap("untrusted.other", "process"), "test"))
          .as("process meets wasm")
          .isEqualTo(Registry.Change.REGISTERED);
      assertThat(
              m.call(
                  CallRequest.of(
                      "untrusted.sum",
                      Dict.of(Value.keyword("x"), Value.of(1)),
                      SecurityContext.full("local"))))
          .isEqualTo(Dict.of(Value.keyword("x"), Value.of(1)));
      assertThat(sink.events(EventType.CapabilityRefused)).isEmpty();
    }
  }

  @Test
  void theStrictestMatchingRuleWinsAndTheRefusalNamesIt() throws Exception {
    try (Marketplace m = marketplace(RULES, new Giving("wasm", IsolationLevel.WASM))) {
      assertThat(refusedWhy(m, cap("untrusted.rm", "wasm", "filesystem.write")))
          .startsWith("needs isolation 'process' by isolation rule 1")
          .endsWith("gives 'wasm' on this host");
    }
  }

  @Test
  void aManifestAskingForIsolationItselfIsHeldToItWithoutAnyRule() throws Exception {
    try (Marketplace m = marketplace("", new Giving("process", IsolationLevel.IN_PROCESS))) {
      CapabilityManifest c =
          CapabilityManifest.builder("tools.sum")
              .provider(
                  new ProviderSpec.Process(
                      List.of("python3"), Dict.of(Value.keyword("isolation"), Value.of("process"))))
              .build();
      assertThat(refusedWhy(m, c))
          .isEqualTo(
              "needs isolation 'process' by its manifest (provider isolation: process), but its"
                  + " provider 'process' gives 'in-process' on this host");
      CapabilityManifest optedOut =
          CapabilityManifest.builder("tools.sum2")
              .provider(
                  new ProviderSpec.Process(
                      List.of("python3"), Dict.of(Value.keyword("isolation"), Value.of("none"))))
              .build();
      assertThat(m.register(optedOut, "test")).isEqualTo(Registry.Change.REGISTERED);
    }
  }

  @Test
  void aRequirementWithNoProviderInstalledSaysSo() throws Exception {
    try (Marketplace m = marketplace(RULES)) {
      assertThat(refusedWhy(m, cap("untrusted.sum", "wasm")))
          .isEqualTo(
              "needs isolation 'wasm' by isolation rule 2 (capabilities \"untrusted.*\"), but no"
                  + " provider of type 'wasm' is installed");
      assertThat(m.register(cap("plain.sum", "wasm"), "test"))
          .as("nothing required, so a missing provider is the call's problem, as before")
          .isEqualTo(Registry.Change.REGISTERED);
    }
  }

  @Test
  void builtInsAreHeldToTheRulesToo() throws Exception {
    try (Marketplace m = marketplace("isolation:\n  - {require: wasm}\n")) {
      m.bootstrap();
      assertThat(m.registry().all()).isEmpty();
      assertThat(m.registry().refusals()).isNotEmpty();
      assertThat(sink.events(EventType.CapabilityRefused).getFirst().error())
          .contains("by isolation rule 1 (every capability)")
          .contains("provider 'local' gives 'in-process'");
    }
  }

  @Test
  void rulesSelectByPermissionsProvidersAndRisk() throws Exception {
    AgoraConfig c =
        config(
            """
            isolation:
              - {permissions: [secrets], require: process}
              - {providers: [local], risk: high, require: wasm}
            """);
    IsolationRules rules = IsolationSection.of(c);
    CapabilityManifest secret =
        CapabilityManifest.builder("a.b").permissions("secrets.read").build();
    assertThat(rules.required(secret).level()).isEqualTo(IsolationLevel.PROCESS);
    assertThat(rules.required(secret).why()).isEqualTo("isolation rule 1 (permissions [secrets])");
    CapabilityManifest risky = cap("a.c", "local", "system.exec");
    assertThat(rules.required(risky).level()).isEqualTo(IsolationLevel.WASM);
    assertThat(rules.required(risky).why())
        .isEqualTo("isolation rule 2 (providers [local], risk high)");
    assertThat(rules.required(cap("a.d", "local", "network")).level())
        .as("medium risk is below high")
        .isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(rules.required(cap("a.e", "process", "system.exec")).level())
        .as("another provider")
        .isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(rules.refusal(risky, IsolationLevel.WASM)).isNull();
    assertThat(
            IsolationRules.declared(
                CapabilityManifest.builder("a.f")
                    .provider(new ProviderSpec.Process(List.of("true"), Dict.EMPTY))
                    .build()))
        .as("a command is sandboxed unless it says isolation: none")
        .isEqualTo(IsolationLevel.PROCESS);
  }

  @Test
  void whatRulesMayDemandIsKnownBeforeTheManifestAndModuleSectionsSeeIt() throws Exception {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(
        f,
        """
        isolation:
          - {providers: [mcp], require: process}
          - {providers: [local], risk: high, require: in-process}
          - {capabilities: "untrusted.*", require: wasm}
        seen: {}
        """);
    List<IsolationDemands> seen = new ArrayList<>();
    ConfigSection<String> module =
        new ConfigSection<>() {
          @Override
          public String key() {
            return "seen";
          }

          @Override
          public String read(Fields section, Core core) {
            seen.add(core.isolation());
            return "read";
          }

          @Override
          public String defaults() {
            return "";
          }
        };
    List<ConfigSection<?>> sections = new ArrayList<>(List.of(module));
    sections.addAll(ConfigLoader.sections()); // the isolation section after the module: read first
    AgoraConfig c = ConfigLoader.parse(Documents.read(f), dir, Map.of(), sections);
    IsolationDemands demands = seen.getFirst();
    assertThat(demands).isEqualTo(IsolationSection.of(c));
    assertThat(demands.mayIsolate("mcp")).isEqualTo("isolation rule 1 (providers [mcp])");
    assertThat(demands.mayIsolate("plugin"))
        .isEqualTo("isolation rule 3 (capabilities \"untrusted.*\")");
    assertThat(demands.requiredLevel(cap("untrusted.x", "local", "network")))
        .isEqualTo(IsolationLevel.WASM);
    assertThat(IsolationRules.NONE.mayIsolate("plugin")).isNull();
    assertThat(IsolationDemands.NONE.mayIsolate("plugin")).isNull();
    assertThat(IsolationDemands.NONE.requiredLevel(cap("untrusted.x", "local", "network")))
        .isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(new ConfigSection.Core(dir, Set.of()).isolation()).isSameAs(IsolationDemands.NONE);
  }

  @Test
  void theMapFormIsReadToo() throws Exception {
    IsolationRules rules =
        IsolationSection.of(
            config("isolation:\n  rules:\n    - {capabilities: \"x.*\", require: process}\n"));
    assertThat(rules.rules()).hasSize(1);
    assertThat(rules.rules().getFirst().describe())
        .isEqualTo("isolation rule 1 (capabilities \"x.*\")");
    assertThat(IsolationSection.of(config("")).rules()).isEmpty();
  }

  @Test
  void everyMistakeInTheSectionIsAConfigErrorWithItsLine() {
    assertThatThrownBy(() -> config("isolation:\n  - {effects: [process], require: microvm}\n"))
        .isInstanceOf(DocumentException.class)
        .hasMessageContaining("agora.yaml:3: isolation[0].require")
        .hasMessageContaining(
            "unknown isolation level 'microvm'; the levels are in-process, wasm, process");
    assertThatThrownBy(() -> config("isolation:\n  - {effects: [process]}\n"))
        .hasMessageContaining("require");
    assertThatThrownBy(() -> config("isolation:\n  - {risk: extreme, require: wasm}\n"))
        .hasMessageContaining("unknown risk 'extreme'; the risks are low, medium, high");
    assertThatThrownBy(() -> config("isolation:\n  - {effect: [process], require: wasm}\n"))
        .hasMessageContaining("effect");
    assertThatThrownBy(() -> config("isolation:\n  rules: []\n  extra: 1\n"))
        .hasMessageContaining("extra");
    assertThatThrownBy(() -> config("isolation: process\n"))
        .hasMessageContaining("expected a list");
  }

  @Test
  void classificationReadsEffectsAndPermissions() {
    assertThat(Classification.of(cap("a.pure", "local")).describe()).isEqualTo("low (pure)");
    assertThat(Classification.of(cap("a.net", "local", "network")).describe())
        .isEqualTo("medium (network)");
    Classification high =
        Classification.of(
            CapabilityManifest.builder("a.fs")
                .effects("filesystem.write", "network")
                .permissions("Admin")
                .build());
    assertThat(high.risk()).isEqualTo(Classification.Risk.HIGH);
    assertThat(high.classes()).containsExactly("admin", "filesystem.write", "network");
    assertThat(Classification.Risk.parse(" HIGH ")).isEqualTo(Classification.Risk.HIGH);
    assertThat(
            Classification.of(CapabilityManifest.builder("a.undeclared").effects("unknown").build())
                .describe())
        .as("one that does not say what it does may do anything")
        .isEqualTo("high (unknown)");
    assertThat(Classification.Risk.parse("none")).isNull();
  }

  @Test
  void levelsAreOrderedAndNamed() {
    assertThat(IsolationLevel.PROCESS.meets(IsolationLevel.WASM)).isTrue();
    assertThat(IsolationLevel.WASM.meets(IsolationLevel.PROCESS)).isFalse();
    assertThat(IsolationLevel.parse("in_process")).isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(IsolationLevel.parse("vm")).isNull();
    assertThat(IsolationLevel.IN_PROCESS.label()).isEqualTo("in-process");
  }

  @Test
  void aManifestsIsolationKeyIsChecked() throws Exception {
    Path f = dir.resolve("caps.yaml");
    Files.writeString(
        f,
        """
        - {id: a.one, provider: {type: process, command: [python3, x.py], isolation: sandbox}}
        - {id: a.two, provider: {type: process, command: python3, isolation: in_process}}
        - {id: a.three, provider: {type: process, command: []}}
        - {id: a.four, provider: {type: wasm, module: m.wasm}}
        - {id: a.five, provider: {type: plugin, plugin: hello, handler: greet}}
        - {id: a.six, provider: {type: process, command: "  "}}
        - {id: a.seven, provider: {type: process}}
        """);
    Manifests.LoadResult r = Manifests.load(f);
    assertThat(r.manifests())
        .extracting(CapabilityManifest::id)
        .containsExactly("a.two", "a.four", "a.five");
    assertThat(r.problems()).hasSize(4);
    assertThat(r.problems().getFirst().toString())
        .contains("unknown isolation 'sandbox'; use none, in-process, wasm or process");
    assertThat(r.problems().get(1).toString()).contains("needs a command");
    CapabilityManifest two = r.manifests().getFirst();
    assertThat(IsolationRules.declared(two)).isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(two.provider().toValue().get("command"))
        .isEqualTo(dev.agora.rtfs.Vec.of(Value.of("python3")));
    assertThat(Manifests.baseDir(two)).isEqualTo(dir.toAbsolutePath());
    assertThat(Manifests.baseDir(cap("x.y", "local"))).isEqualTo(Path.of("").toAbsolutePath());
    ProviderSpec.Wasm four = (ProviderSpec.Wasm) r.manifests().get(1).provider();
    assertThat(four.function()).isNull();
    assertThat(four.toValue().get("function")).isNull();
    assertThat(r.manifests().get(2).provider().toValue().get("handler"))
        .isEqualTo(Value.of("greet"));
  }
}
