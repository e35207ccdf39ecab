package dev.agora.provider.plugin;

import static dev.agora.provider.plugin.PluginHarness.ab;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.IsolationSection;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.IsolationDemands;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.rtfs.Value;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Out-of-process plugins under the real process sandbox (bubblewrap, prlimit, setpriv): what a
 * hostile plugin can no longer do, and policy choosing which plugins run there.
 */
class PluginSandboxTest extends PluginTest {

  /** A plugin probing its sandbox: {@code :a} says what to try, {@code :b} is a port. */
  static final String PROBE =
      """
      switch ((int) a(input)) {
        case 1: try (var s = new java.net.Socket("127.0.0.1", (int) b(input))) {
                  return Value.of("connected");
                } catch (java.io.IOException e) { return Value.of("refused: " + e); }
        case 2: try {
                  java.nio.file.Files.writeString(java.nio.file.Path.of("escape.txt"), "x");
                  return Value.of("written");
                } catch (java.io.IOException e) { return Value.of("not written: " + e); }
        case 3: return Value.of(
                  "pid=" + ProcessHandle.current().pid()
                  + " hostname=" + java.nio.file.Files.readString(
                      java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip()
                  + " /work=" + java.nio.file.Files.exists(java.nio.file.Path.of("/work"))
                  + " /root=" + java.nio.file.Files.exists(java.nio.file.Path.of("/root/.m2"))
                  + " env=" + new java.util.TreeSet<>(System.getenv().keySet()));
        case 4: var hog = new java.util.ArrayList<long[]>();
                while (true) { hog.add(new long[1 << 20]); }
        default: return Value.of(a(input) + b(input));
      }
      """;

  @Test
  void an_out_of_process_plugin_runs_in_the_sandbox_and_cannot_reach_out() throws Exception {
    PluginJars.install(
        jars.plugin("pp", "probe", "1.0.0", "probe.run", "1.0.0", PROBE), h.plugins, "probe.jar");
    h.start("plugins: {dir: plugins, watch: false, out_of_process: [\"probe.jar\"]}\n");
    assertThat(h.problems()).isEmpty();
    Plugin p = h.source().loaded().get(h.plugins.resolve("probe.jar"));
    assertThat(p).isInstanceOf(RemotePlugin.class);
    assertThat(p.isolation()).isEqualTo(IsolationLevel.PROCESS);
    CapabilityManifest m = h.market.registry().get("probe.run");
    assertThat(m.provenance().origin().get("isolation")).isEqualTo(Value.of("process"));
    assertThat(h.market.isolation(m)).isEqualTo("process (nothing required)");

    try (ServerSocket listener =
        new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      assertThat(h.call("probe.run", null, ab(1, listener.getLocalPort())))
          .asString()
          .startsWith("\"refused: java.net.");
    }
    assertThat(h.call("probe.run", null, ab(2, 0))).asString().contains("Read-only file system");
    String seen = ((Value.Str) h.call("probe.run", null, ab(3, 0))).value();
    assertThat(seen)
        .contains("hostname=sandbox", "/work=false", "/root=false")
        .contains("env=[MALLOC_ARENA_MAX, PATH, PWD]")
        .doesNotContain("pid=" + ProcessHandle.current().pid() + " ");
    assertThatThrownBy(() -> h.call("probe.run", null, ab(4, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("plugin probe 1.0.0 ran out of memory");
    assertThat(h.call("probe.run", null, ab(20, 22))).isEqualTo(Value.of(42)); // still serving
  }

  @Test
  void policy_sends_the_plugins_it_wants_isolated_to_the_sandbox_and_loads_the_rest_here()
      throws Exception {
    PluginJars.install(
        jars.plugin("pu", "untrusted", "1.0.0", "untrusted.sum", "1.0.0", PROBE),
        h.plugins,
        "u.jar");
    PluginJars.install(
        jars.plugin("pt", "tools", "1.0.0", "tools.sum", "1.0.0", PROBE), h.plugins, "t.jar");
    h.start(
        """
        isolation:
          - {capabilities: "untrusted.*", require: process}
        plugins: {dir: plugins, watch: false}
        """);
    assertThat(h.problems()).isEmpty();
    assertThat(h.source().loaded().get(h.plugins.resolve("u.jar")))
        .isInstanceOf(RemotePlugin.class);
    assertThat(h.source().loaded().get(h.plugins.resolve("t.jar")))
        .isInstanceOf(LoadedPlugin.class);
    assertThat(h.market.isolation(h.market.registry().get("untrusted.sum")))
        .startsWith("process (required: process by isolation rule 1");
    assertThat(((Value.Str) h.call("untrusted.sum", null, ab(3, 0))).value())
        .contains("hostname=sandbox");
    assertThat(((Value.Str) h.call("tools.sum", null, ab(3, 0))).value())
        .contains("pid=" + ProcessHandle.current().pid() + " ");
  }

  @Test
  void without_a_sandbox_a_plugin_policy_may_want_isolated_is_not_loaded_at_all() throws Exception {
    PluginJars.install(
        jars.plugin("pu", "untrusted", "1.0.0", "untrusted.sum", "1.0.0", PROBE),
        h.plugins,
        "u.jar");
    Path cfg = h.dir.resolve("agora.yaml");
    Files.writeString(cfg, "isolation: [{capabilities: \"untrusted.*\", require: process}]\n");
    var rules = IsolationSection.of(dev.agora.core.config.ConfigLoader.load(cfg));
    PluginHosts none =
        new PluginHosts(Sandbox.unavailable("bwrap: not found"), tmp, PluginHosts.DEFAULT_LIMITS);
    PluginSource s = source(List.of(), rules, none);
    var found = s.discover();
    assertThat(found.manifests()).isEmpty();
    assertThat(found.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.message())
                    .contains("not loaded: isolation rule 1 (capabilities \"untrusted.*\")")
                    .contains("cannot run a plugin in the sandbox (bwrap: not found)")
                    .contains("none of its code is run unsandboxed"));
    s.close();

    // named out of process without a sandbox: a plain child, reported as no isolation
    PluginSource plain = source(List.of("u.jar"), rules, none);
    CapabilityManifest m = plain.discover().manifests().getFirst();
    assertThat(plain.provider().isolation(m)).isEqualTo(IsolationLevel.IN_PROCESS);
    assertThat(m.provenance().origin().get("isolation")).isEqualTo(Value.of("in-process"));
    plain.close();
    assertThat(plain.provider().isolation(m)).isEqualTo(IsolationLevel.IN_PROCESS); // unbound
  }

  private PluginSource source(
      List<String> outOfProcess, IsolationDemands rules, PluginHosts hosts) {
    return new PluginSource(
        "plugins",
        h.plugins,
        false,
        tmp.resolve("work"),
        getClass().getClassLoader(),
        outOfProcess,
        rules,
        hosts,
        null);
  }

  @Test
  void the_hosts_copies_are_readable_by_the_sandbox_user() throws Exception {
    Path jar = jars.plugin("pp", "probe", "1.0.0", "probe.run", "1.0.0", PROBE);
    PluginHosts hosts =
        new PluginHosts(Sandbox.host(), tmp.resolve("w"), PluginHosts.DEFAULT_LIMITS);
    PluginHosts.Launch l = hosts.launch(jar, "abc");
    assertThat(l.level()).isEqualTo(IsolationLevel.PROCESS);
    assertThat(l.env()).containsOnlyKeys("MALLOC_ARENA_MAX", "PATH");
    assertThat(l.command()).contains("bwrap", PluginHost.class.getName());
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(tmp.resolve("w/hosts/abc.jar"))))
        .isEqualTo("rw-r--r--");
    List<String> again = hosts.launch(jar, "abc").command();
    if (Sandbox.host().changesUid()) { // a uid of its own for each host
      assertThat(again)
          .isNotEqualTo(l.command())
          .contains("--reuid=" + (PluginHosts.FIRST_UID + 1));
    } else {
      assertThat(again).isEqualTo(l.command());
    }
  }
}
