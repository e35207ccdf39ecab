package dev.agora.provider.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plugins adding provider types: used by manifests from files, gone with their JAR. */
class PluginProviderTypesTest extends PluginTest {

  /** A plugin {@code id} adding the provider types {@code types}, each greeting by its options. */
  Path providing(String pkg, String id, String... types) throws Exception {
    StringBuilder list = new StringBuilder();
    for (String t : types) {
      list.append(list.isEmpty() ? "" : ", ").append("new Greeter(\"").append(t).append("\")");
    }
    String src =
        """
        package %s;
        import dev.agora.core.manifest.CapabilityManifest;
        import dev.agora.core.spi.*;
        import dev.agora.rtfs.*;
        import java.util.List;
        public final class P implements AgoraPlugin {
          public String id() { return "%s"; }
          public String version() { return "1.0.0"; }
          public int spiVersion() { return SPI_VERSION; }
          public List<Provider> providers() { return List.of(%s); }
          record Greeter(String type) implements Provider {
            public Value execute(CapabilityManifest m, Value input, CallContext call) {
              if (m.provider().options().get("fail") != null) throw new IllegalStateException("asked to");
              return Value.of(((Value.Str) m.provider().options().get("greeting")).value() + " "
                  + ((Value.Str) ((Dict) input).get(Value.keyword("name"))).value());
            }
          }
        }
        """
            .formatted(pkg, id, list);
    return jars.jar(Map.of(pkg + ".P", src), List.of(pkg + ".P"));
  }

  void manifests() throws Exception {
    Path dir = Files.createDirectories(h.dir.resolve("manifests"));
    Files.writeString(
        dir.resolve("greet.yaml"),
        """
        - id: greet.hello
          provider: {type: acme.greet, greeting: Hello}
          input_schema: "[:map [:name :string]]"
          effects: []
        - id: greet.broken
          provider: {type: acme.greet, greeting: Hi, fail: true}
          input_schema: "[:map [:name :string]]"
          effects: []
        """);
  }

  static Dict name(String n) {
    return Dict.builder().put(Value.keyword("name"), Value.of(n)).build();
  }

  @Test
  void a_manifest_uses_a_provider_type_a_plugin_adds_while_the_plugin_is_loaded() throws Exception {
    manifests();
    PluginJars.install(providing("pg", "greeter", "acme.greet"), h.plugins, "greeter.jar");
    h.start(
        """
        sources: [{name: m, type: files, path: manifests}]
        plugins: {dir: plugins, watch: false}
        """);
    assertThat(h.problems()).isEmpty();
    assertThat(h.market.registry().get("greet.hello").provider())
        .isEqualTo(
            new ProviderSpec.Extension(
                "acme.greet", h.market.registry().get("greet.hello").provider().options()));
    assertThat(h.call("greet.hello", null, name("Ada"))).isEqualTo(Value.of("Hello Ada"));
    assertThatThrownBy(() -> h.call("greet.broken", null, name("Ada")))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("plugin greeter 1.0.0 failed: IllegalStateException: asked to");
    assertThat(h.market.isolation(h.market.registry().get("greet.hello")))
        .isEqualTo("in-process (nothing required)");

    Files.delete(h.plugins.resolve("greeter.jar")); // the type goes with its plugin
    h.source()
        .rescan(
            new DiscoverySource.Changes() {
              @Override
              public void upsert(DiscoverySource source, CapabilityManifest manifest) {}

              @Override
              public void remove(DiscoverySource source, String id, String version) {}

              @Override
              public void problem(DiscoverySource source, DocumentProblem problem) {}
            });
    assertThatThrownBy(() -> h.call("greet.hello", null, name("Ada")))
        .isInstanceOf(AgoraError.class)
        .hasMessageContaining("acme.greet");
  }

  @Test
  void bad_names_twice_the_same_type_and_types_out_of_process_are_refused() throws Exception {
    PluginJars.install(providing("pa", "nodot", "greet"), h.plugins, "a.jar");
    PluginJars.install(providing("pb", "twice", "acme.x", "acme.x"), h.plugins, "b.jar");
    PluginJars.install(providing("pc", "first", "acme.y"), h.plugins, "c.jar");
    PluginJars.install(providing("pd", "second", "acme.y"), h.plugins, "d.jar");
    PluginJars.install(providing("pe", "remote", "acme.z"), h.plugins, "e.jar");
    PluginSource s =
        new PluginSource(
            "p",
            h.plugins,
            false,
            tmp.resolve("work"),
            getClass().getClassLoader(),
            List.of("e.jar"));
    var found = s.discover();
    assertThat(found.problems())
        .extracting(p -> p.message())
        .anySatisfy(m -> assertThat(m).contains("adds provider type 'greet': a plugin's provider"))
        .anySatisfy(m -> assertThat(m).contains("plugin twice adds provider type acme.x twice"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("plugin second 1.0.0 adds provider type acme.y, which another"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains("plugin remote 1.0.0 adds provider types [acme.z]")
                    .contains("run only in Agora's JVM"))
        .hasSize(4);
    PluginProvider p = s.provider();
    assertThat(p.serves("acme.y")).isTrue();
    assertThat(p.serves("plugin")).isTrue();
    assertThat(p.serves("acme.z")).isFalse();
    var m =
        CapabilityManifest.builder("x.y")
            .provider(new ProviderSpec.Extension("acme.y", Dict.EMPTY))
            .build();
    assertThat(p.isolation(m)).isEqualTo(IsolationLevel.IN_PROCESS);
    s.close();
    assertThat(p.serves("acme.y")).isFalse();
    assertThatThrownBy(() -> p.execute(m, name("x"), null))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("no loaded plugin adds provider type acme.y");
  }
}
