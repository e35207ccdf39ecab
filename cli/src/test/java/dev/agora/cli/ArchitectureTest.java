package dev.agora.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules of docs/ARCHITECTURE.md, checked on the compiled main classes of every module (the CLI
 * depends on all of them): no package cycles; the layers depend downwards only (rtfs ← chain ← core
 * ← store, providers ← server ← cli); providers never import each other; and a top-level type is
 * public only when another package uses it, when {@link java.util.ServiceLoader} or the JVM needs
 * it, or when it is part of the API on purpose (the short list below, each with its reason).
 */
class ArchitectureTest {

  private static JavaClasses agora;

  @BeforeAll
  static void importAgora() {
    agora =
        new ClassFileImporter()
            .withImportOption(
                location ->
                    !location.contains("/test-classes/") && !location.contains("-tests.jar"))
            .importPackages("dev.agora");
  }

  @Test
  void everyModuleIsOnTheClassPath() {
    for (String p :
        new String[] {
          "dev.agora.rtfs",
          "dev.agora.chain",
          "dev.agora.core",
          "dev.agora.store",
          "dev.agora.a2a",
          "dev.agora.provider.a2a",
          "dev.agora.provider.http",
          "dev.agora.provider.mcp",
          "dev.agora.provider.wasm",
          "dev.agora.provider.plugin",
          "dev.agora.provider.sandbox",
          "dev.agora.server",
          "dev.agora.cli"
        }) {
      assertThat(agora.containPackage(p)).as(p).isTrue();
    }
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.agora.(**)").should().beFreeOfCycles().check(agora);
  }

  @Test
  void rtfsStandsAlone() {
    noClasses()
        .that()
        .resideInAPackage("dev.agora.rtfs..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("dev.agora.rtfs..", "java..")
        .check(agora);
  }

  @Test
  void theChainKnowsOnlyTheLanguage() {
    noClasses()
        .that()
        .resideInAPackage("dev.agora.chain..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.core..",
            "dev.agora.store..",
            "dev.agora.provider..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
  }

  @Test
  void coreNeverImportsAProviderTheStoreTheServerOrTheCli() {
    noClasses()
        .that()
        .resideInAPackage("dev.agora.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.store..", "dev.agora.provider..", "dev.agora.server..", "dev.agora.cli..")
        .check(agora);
  }

  @Test
  void theA2aProtocolKnowsOnlyCoreAndBelow() {
    noClasses()
        .that()
        .resideInAPackage("dev.agora.a2a..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.store..", "dev.agora.provider..", "dev.agora.server..", "dev.agora.cli..")
        .check(agora);
  }

  @Test
  void pluggedModulesKnowOnlyCoreAndBelow() {
    noClasses()
        .that()
        .resideInAPackage("dev.agora.store..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.agora.provider..", "dev.agora.server..", "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.provider.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.provider.mcp..",
            "dev.agora.provider.wasm..",
            "dev.agora.store..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.provider.mcp..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.provider.http..",
            "dev.agora.provider.wasm..",
            "dev.agora.store..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.provider.wasm..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.provider.http..",
            "dev.agora.provider.mcp..",
            "dev.agora.store..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.provider.plugin..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.provider.http..",
            "dev.agora.provider.mcp..",
            "dev.agora.store..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.provider.a2a..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.provider.http..",
            "dev.agora.provider.mcp..",
            "dev.agora.provider.wasm..",
            "dev.agora.provider.plugin..",
            "dev.agora.provider.sandbox..",
            "dev.agora.store..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.provider.sandbox..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.agora.provider.http..",
            "dev.agora.provider.mcp..",
            "dev.agora.provider.wasm..",
            "dev.agora.provider.plugin..",
            "dev.agora.store..",
            "dev.agora.server..",
            "dev.agora.cli..")
        .check(agora);
    noClasses()
        .that()
        .resideInAPackage("dev.agora.server..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.agora.cli..", "dev.agora.provider..", "dev.agora.store..")
        .check(agora);
  }

  /** Public on purpose although no other Agora package uses them, each for the reason given. */
  private static final Map<String, String> API =
      Map.ofEntries(
          Map.entry("dev.agora.rtfs.SimpleHost", "a host for embedding RTFS without a marketplace"),
          Map.entry("dev.agora.chain.event.MemorySink", "an event sink in memory, for embedders"),
          Map.entry("dev.agora.core.store.MemoryStore", "a store in memory, for embedders"),
          Map.entry("dev.agora.store.JdbcStore", "opened directly by bench/ and embedders"),
          Map.entry("dev.agora.store.SqliteStore", "opened directly by bench/ and embedders"),
          Map.entry("dev.agora.store.PostgresStore", "opened directly by bench/ and embedders"),
          Map.entry("dev.agora.core.discovery.FileSource", "a source an embedder adds"),
          Map.entry("dev.agora.core.discovery.StaticSource", "a source an embedder adds"),
          Map.entry("dev.agora.core.manifest.Sla", "part of CapabilityManifest"),
          Map.entry("dev.agora.core.manifest.Attestation", "part of CapabilityManifest"),
          Map.entry("dev.agora.core.trust.Authority", "part of TrustPolicy"),
          Map.entry("dev.agora.core.call.policy.Rule", "part of IsolationPolicy"),
          Map.entry("dev.agora.core.call.policy.LimitRule", "part of IsolationPolicy"),
          Map.entry("dev.agora.core.call.policy.NamespacePolicy", "part of IsolationPolicy"),
          Map.entry("dev.agora.core.call.policy.TimeWindow", "part of IsolationPolicy"),
          Map.entry(
              "dev.agora.core.call.resilience.ResilienceSettings", "part of ResiliencePolicy"),
          Map.entry(
              "dev.agora.core.telemetry.TelemetrySettings",
              "what Telemetry.of and Telemetry.exporting take (embedders, tests, benchmarks)"),
          Map.entry("dev.agora.core.local.Capability", "the annotation of Java capabilities"),
          Map.entry("dev.agora.core.local.Param", "the annotation of their parameters"),
          Map.entry(
              "dev.agora.core.spi.IsolationLevel", "the SPI of isolation, for provider modules"),
          Map.entry(
              "dev.agora.core.spi.IsolationRuntime", "the SPI of isolation, for provider modules"),
          Map.entry(
              "dev.agora.provider.plugin.PluginHost", "the child JVM's entry point (a main class)"),
          Map.entry("dev.agora.cli.Main", "the program's entry point"));

  @Test
  void aTypeIsPublicOnlyWhenAnotherPackageNeedsIt() throws IOException {
    Set<String> services = services();
    ArchRule rule =
        classes()
            .that()
            .areTopLevelClasses()
            .and()
            .arePublic()
            .and(
                DescribedPredicate.describe(
                    "are not API on purpose or services",
                    (JavaClass c) ->
                        !API.containsKey(c.getName()) && !services.contains(c.getName())))
            .should(usedFromAnotherPackage());
    rule.check(agora);
  }

  /** Whether a class outside its package uses {@code c} or one of its nested types. */
  private static ArchCondition<JavaClass> usedFromAnotherPackage() {
    Map<String, Set<String>> users = new HashMap<>();
    agora.forEach(
        origin ->
            origin
                .getDirectDependenciesFromSelf()
                .forEach(
                    d ->
                        users
                            .computeIfAbsent(topLevel(d.getTargetClass()), k -> new HashSet<>())
                            .add(origin.getPackageName())));
    return new ArchCondition<>("be used from another package (else make them package-private)") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        Set<String> from = users.getOrDefault(c.getName(), Set.of());
        if (from.stream().allMatch(c.getPackageName()::equals)) {
          events.add(
              SimpleConditionEvent.violated(
                  c, c.getName() + " is public but no other package uses it"));
        }
      }
    };
  }

  private static String topLevel(JavaClass c) {
    String name = c.getName();
    int nested = name.indexOf('$');
    return nested < 0 ? name : name.substring(0, nested);
  }

  /** The implementations named in META-INF/services files: ServiceLoader needs them public. */
  private static Set<String> services() throws IOException {
    Set<String> names = new HashSet<>();
    for (String spi :
        new String[] {
          "dev.agora.core.spi.Provider",
          "dev.agora.core.spi.SourceFactory",
          "dev.agora.core.spi.StoreProvider",
          "dev.agora.core.spi.ConfigSection",
          "dev.agora.core.spi.IsolationRuntime",
          "ch.qos.logback.classic.spi.Configurator"
        }) {
      for (URL u :
          Collections.list(
              ArchitectureTest.class.getClassLoader().getResources("META-INF/services/" + spi))) {
        try (InputStream in = u.openStream()) {
          for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String name = line.replaceAll("#.*", "").strip();
            if (!name.isEmpty()) {
              names.add(name);
            }
          }
        }
      }
    }
    assertThat(names).as("services found on the class path").isNotEmpty();
    return names;
  }
}
