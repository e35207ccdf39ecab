package dev.agora.provider.plugin;

import static dev.agora.provider.plugin.PluginHarness.ab;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.AgoraPlugin;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plugins loaded at start-up: calls, isolation, failures, every refusal with its reason. */
class PluginLoadingTest extends PluginTest {

  private void install(Path jar, String name) throws Exception {
    PluginJars.install(jar, h.plugins, name);
  }

  private List<String> problems() {
    return h.problems();
  }

  @Test
  void a_plugin_capability_is_registered_with_its_provenance_and_called_through_the_marketplace()
      throws Exception {
    install(
        jars.plugin(
            "pa", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(a(input) + b(input));"),
        "calc.jar");
    h.start(false);
    assertThat(h.call("calc.sum", null, ab(2, 40))).isEqualTo(Value.of(42));
    CapabilityManifest m = h.market.registry().get("calc.sum");
    assertThat(m.provider()).isInstanceOf(ProviderSpec.Plugin.class);
    assertThat(((ProviderSpec.Plugin) m.provider()).plugin()).isEqualTo("calc");
    assertThat(m.provenance().source()).isEqualTo("plugins");
    assertThat(m.provenance().origin().get("jar"))
        .isEqualTo(Value.of(h.plugins.resolve("calc.jar").toString()));
    assertThat(m.provenance().origin().get("plugin")).isEqualTo(Value.of("calc"));
    assertThat(m.provenance().origin().get("plugin_version")).isEqualTo(Value.of("1.0.0"));
    assertThat(((Value.Str) m.provenance().origin().get("sha256")).value()).hasSize(64);
    assertThat(h.sink.events(EventType.CapabilityRegistered))
        .anySatisfy(e -> assertThat(e.toString()).contains("calc.sum"));
    assertThat(h.sink.events(EventType.CapabilityCall)).isNotEmpty();
    assertThat(h.source().provider().bound()).isEqualTo(1);
  }

  @Test
  void two_versions_of_a_plugin_run_side_by_side() throws Exception {
    install(
        jars.plugin(
            "v1", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(a(input) + b(input));"),
        "calc-1.jar");
    install(
        jars.plugin(
            "v2",
            "calc",
            "2.0.0",
            "calc.sum",
            "2.0.0",
            "return Value.of(10 * (a(input) + b(input)));"),
        "calc-2.jar");
    h.start(false);
    assertThat(h.call("calc.sum", "1.0.0", ab(1, 2))).isEqualTo(Value.of(3));
    assertThat(h.call("calc.sum", "2.0.0", ab(1, 2))).isEqualTo(Value.of(30));
    assertThat(h.source().loaded()).hasSize(2);
  }

  @Test
  void a_plugin_sees_the_spi_but_not_core_internals_nor_another_plugin() throws Exception {
    install(jars.plugin("pa", "a", "1.0.0", "a.x", "1.0.0", "return Value.of(1);"), "a.jar");
    String probe =
        """
        String out = "";
        for (String n : List.of("dev.agora.core.Marketplace", "pa.P", "dev.agora.core.spi.Provider", "dev.agora.rtfs.Value", "dev.agora.provider.plugin.PluginSource")) {
          try { Class.forName(n); out += n + ":ok "; } catch (ClassNotFoundException e) { out += n + ":refused "; }
        }
        if (P.class.getClassLoader().getResource("META-INF/services/dev.agora.core.spi.Provider") != null) out += "leak";
        return Value.of(out.trim());
        """;
    install(jars.plugin("pb", "b", "1.0.0", "b.probe", "1.0.0", probe), "b.jar");
    install(
        jars.plugin(
            "pc",
            "c",
            "1.0.0",
            "c.internal",
            "1.0.0",
            "return Value.of(dev.agora.core.Marketplace.builder().toString());"),
        "c.jar");
    h.start(false);
    assertThat(h.call("b.probe", null, ab(0, 0)))
        .isEqualTo(
            Value.of(
                "dev.agora.core.Marketplace:refused pa.P:refused dev.agora.core.spi.Provider:ok"
                    + " dev.agora.rtfs.Value:ok dev.agora.provider.plugin.PluginSource:refused"));
    assertThatThrownBy(() -> h.call("c.internal", null, ab(0, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining(
            "plugin c 1.0.0 failed: NoClassDefFoundError: dev/agora/core/Marketplace");
    assertThat(SpiOnlyLoader.exported("dev.agora.core.call.policy.SecurityContext$Level")).isTrue();
    assertThat(SpiOnlyLoader.exported("dev.agora.core.call.Execute")).isFalse();
  }

  @Test
  void what_a_plugin_throws_becomes_a_typed_error_and_the_node_keeps_serving() throws Exception {
    install(
        jars.plugin(
            "pt",
            "boom",
            "1.0.0",
            "boom.throw",
            "1.0.0",
            "throw new IllegalStateException(\"boom\");"),
        "t.jar");
    install(
        jars.plugin(
            "ps",
            "deep",
            "1.0.0",
            "deep.recurse",
            "1.0.0",
            "java.util.function.IntUnaryOperator[] f = new java.util.function.IntUnaryOperator[1]; f[0] = n -> f[0].applyAsInt(n + 1) + 1; return Value.of(f[0].applyAsInt(0));"),
        "s.jar");
    install(
        jars.plugin(
            "pr",
            "typed",
            "1.0.0",
            "typed.refuse",
            "1.0.0",
            "throw dev.agora.core.error.AgoraError.ProviderError.refused(\"typed.refuse\", \"no\", null);"),
        "r.jar");
    install(
        jars.plugin(
            "ph",
            "hang",
            "1.0.0",
            "hang.sleep",
            "1.0.0",
            "Thread.sleep(Long.MAX_VALUE); return Value.of(0);"),
        "h.jar");
    install(
        jars.plugin(
            "pa", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(a(input) + b(input));"),
        "calc.jar");
    h.start(false);
    assertThatThrownBy(() -> h.call("boom.throw", null, ab(0, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("plugin boom 1.0.0 failed: IllegalStateException: boom");
    assertThatThrownBy(() -> h.call("deep.recurse", null, ab(0, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("StackOverflowError");
    assertThatThrownBy(() -> h.call("typed.refuse", null, ab(0, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("no");
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                h.market.call(
                    new dev.agora.core.call.CallRequest(
                            "hang.sleep",
                            null,
                            ab(0, 0),
                            dev.agora.core.call.policy.SecurityContext.full("local"),
                            null,
                            null,
                            null)
                        .withTimeout(Duration.ofMillis(200))))
        .isInstanceOf(AgoraError.Timeout.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(h.call("calc.sum", null, ab(1, 1))).isEqualTo(Value.of(2));
  }

  @Test
  void a_plugin_needing_a_newer_spi_is_refused_with_the_reason() throws Exception {
    PluginJars.install(
        jars.jar(
            Map.of(
                "pn.P",
                PluginJars.plugin(
                    "pn",
                    "future",
                    "1.0.0",
                    "AgoraPlugin.SPI_VERSION + 1",
                    "future.x",
                    "1.0.0",
                    "return Value.of(1);")),
            List.of("pn.P")),
        h.plugins,
        "future.jar");
    h.start(false);
    assertThat(problems())
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("future.jar")
                    .contains(
                        "plugin future 1.0.0 needs plugin SPI version "
                            + (AgoraPlugin.SPI_VERSION + 1)
                            + ", and this node offers "
                            + AgoraPlugin.SPI_VERSION));
    assertThat(h.market.registry().get("future.x")).isNull();
  }

  @Test
  void every_broken_jar_is_refused_with_its_reason_and_the_others_still_load() throws Exception {
    PluginJars.corrupt(h.plugins, "corrupt.jar");
    install(jars.jar(Map.of("pe.Q", "package pe; public class Q {}"), List.of()), "empty.jar");
    install(
        jars.jar(
            Map.of(
                "p2.P",
                    PluginJars.plugin(
                        "p2",
                        "one",
                        "1.0.0",
                        "AgoraPlugin.SPI_VERSION",
                        "one.x",
                        "1.0.0",
                        "return Value.of(1);"),
                "p3.P",
                    PluginJars.plugin(
                        "p3",
                        "two",
                        "1.0.0",
                        "AgoraPlugin.SPI_VERSION",
                        "two.x",
                        "1.0.0",
                        "return Value.of(1);")),
            List.of("p2.P", "p3.P")),
        "twice.jar");
    install(
        jars.jar(Map.of("pe.Q", "package pe; public class Q {}"), List.of("pe.Missing")),
        "missing.jar");
    install(
        jars.plugin("pa", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(1);"),
        "a-calc.jar");
    install(
        jars.plugin("pb", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(2);"),
        "b-calc-again.jar");
    install(
        jars.plugin("pc", "other", "1.0.0", "calc.sum", "1.0.0", "return Value.of(3);"),
        "c-steals.jar");
    install(jars.plugin("pd", " ", "1.0.0", "d.x", "1.0.0", "return Value.of(1);"), "d-blank.jar");
    install(jars.plugin("pf", "f", "one", "f.x", "1.0.0", "return Value.of(1);"), "f-version.jar");
    String throwingId =
        PluginJars.plugin(
                "pg",
                "g",
                "1.0.0",
                "AgoraPlugin.SPI_VERSION",
                "g.x",
                "1.0.0",
                "return Value.of(1);")
            .replace("return \"g\";", "throw new IllegalStateException(\"no id\");");
    install(jars.jar(Map.of("pg.P", throwingId), List.of("pg.P")), "g-throws.jar");
    String dup =
        PluginJars.plugin(
                "pi",
                "i",
                "1.0.0",
                "AgoraPlugin.SPI_VERSION",
                "i.x",
                "1.0.0",
                "return Value.of(1);")
            .replace("return List.of(new Capability(", "Capability c = new Capability(")
            .replace(
                "(input, call) -> { return Value.of(1); }));",
                "(input, call) -> { return Value.of(1); }); return List.of(c, c);");
    install(jars.jar(Map.of("pi.P", dup), List.of("pi.P")), "i-dup.jar");
    String nullVersion =
        PluginJars.plugin(
                "pj",
                "j",
                "1.0.0",
                "AgoraPlugin.SPI_VERSION",
                "j.x",
                "1.0.0",
                "return Value.of(1);")
            .replace("return \"1.0.0\";", "return null;");
    install(jars.jar(Map.of("pj.P", nullVersion), List.of("pj.P")), "j-null.jar");
    Files.writeString(h.plugins.resolve("notes.txt"), "not a jar, not looked at");
    h.start(false);
    assertThat(problems())
        .anySatisfy(l -> assertThat(l).contains("corrupt.jar").contains("it is not a JAR file"))
        .anySatisfy(l -> assertThat(l).contains("empty.jar").contains("it declares no AgoraPlugin"))
        .anySatisfy(l -> assertThat(l).contains("twice.jar").contains("it declares 2 AgoraPlugins"))
        .anySatisfy(
            l -> assertThat(l).contains("missing.jar").contains("its AgoraPlugin cannot be made"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("b-calc-again.jar")
                    .contains("plugin calc 1.0.0 is already loaded from"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("c-steals.jar")
                    .contains("contributes calc.sum 1.0.0, which another plugin already does"))
        .anySatisfy(l -> assertThat(l).contains("d-blank.jar").contains("its plugin has no id"))
        .anySatisfy(
            l -> assertThat(l).contains("f-version.jar").contains("plugin f has a bad version"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("g-throws.jar")
                    .contains("its plugin failed to load: IllegalStateException: no id"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("i-dup.jar")
                    .contains("plugin i contributes i.x 1.0.0 twice"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("j-null.jar")
                    .contains("plugin j has a bad version: it has none"));
    assertThat(h.call("calc.sum", null, ab(0, 0))).isEqualTo(Value.of(1));
    assertThat(h.source().loaded()).hasSize(1);
  }

  @Test
  void a_missing_directory_is_a_problem_not_a_crash() throws Exception {
    Files.delete(h.plugins);
    h.start(true);
    assertThat(problems())
        .anySatisfy(l -> assertThat(l).contains("cannot list the plugins directory"));
    assertThat(problems())
        .anySatisfy(l -> assertThat(l).contains("cannot watch the plugins directory"));
  }

  @Test
  void a_capability_no_plugin_implements_any_more_is_refused() throws Exception {
    h.start(false);
    PluginProvider p = h.source().provider();
    CapabilityManifest m =
        CapabilityManifest.builder("gone.x")
            .provider(new ProviderSpec.Plugin("gone", "gone.x", dev.agora.rtfs.Dict.EMPTY))
            .build();
    assertThatThrownBy(() -> p.execute(m, Value.NIL, null))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("no loaded plugin implements gone.x 1.0.0");
    assertThat(p.type()).isEqualTo("plugin");
  }

  /**
   * A plugin {@code id} whose {@code sources()} returns one source discovering with {@code body}.
   */
  private Path sourcing(String pkg, String id, String body) throws Exception {
    String src =
        PluginJars.plugin(
                pkg,
                id,
                "1.0.0",
                "AgoraPlugin.SPI_VERSION",
                id + ".fn",
                "1.0.0",
                "return Value.of(1);")
            .replace(
                "  static long a(Value in)",
                """
                  public List<dev.agora.core.spi.DiscoverySource> sources() {
                    return List.of(new dev.agora.core.spi.DiscoverySource() {
                      public String name() { return "inner"; }
                      public Found discover() throws Exception { %s }
                    });
                  }
                  static long a(Value in)"""
                    .formatted(body));
    return jars.jar(Map.of(pkg + ".P", src), List.of(pkg + ".P"));
  }

  static CapabilityManifest manifest(String id) {
    return CapabilityManifest.builder(id).build();
  }

  @Test
  void a_plugin_may_contribute_a_discovery_source_whose_manifests_carry_its_provenance()
      throws Exception {
    String found =
        "return new Found(List.of(CapabilityManifest.builder(\"%s\").build()), List.of());";
    install(sourcing("sa", "sa", found.formatted("sa.listed")), "a.jar");
    install(sourcing("sb", "sb", found.formatted("sa.fn")), "b.jar"); // its own capability twice
    install(
        sourcing(
            "sc",
            "sc",
            "return new Found(List.of(), List.of(new dev.agora.core.doc.DocumentProblem(\"x\", 1, \"\", \"bad\")));"),
        "c.jar");
    install(sourcing("sd", "sd", "throw new java.io.IOException(\"unreachable\");"), "d.jar");
    install(sourcing("se", "se", found.formatted("se.fn")), "e.jar");
    h.start(false);
    CapabilityManifest listed = h.market.registry().get("sa.listed");
    assertThat(listed.provenance().origin().get("plugin")).isEqualTo(Value.of("sa"));
    assertThat(h.market.registry().get("sa.fn")).isNotNull();
    assertThat(problems())
        .anySatisfy(
            l -> assertThat(l).contains("c.jar").contains("plugin sc's source inner has problems"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("d.jar")
                    .contains("plugin sd's source inner failed: unreachable"))
        .anySatisfy(
            l ->
                assertThat(l).contains("e.jar").contains("plugin se contributes se.fn 1.0.0 twice"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("b.jar")
                    .contains("contributes sa.fn 1.0.0, which another plugin already does"));
  }

  @Test
  void a_plugin_that_cannot_be_copied_is_refused() throws Exception {
    Path jar = jars.plugin("pa", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(1);");
    Path blocked =
        Files.writeString(tmp.resolve("blocked"), "a file where the work directory goes");
    assertThatThrownBy(
            () ->
                LoadedPlugin.load(
                    jar,
                    Files.readAllBytes(jar),
                    "x",
                    blocked.resolve("work"),
                    getClass().getClassLoader()))
        .isInstanceOf(PluginException.class)
        .hasMessageContaining("cannot copy it to");
  }
}
