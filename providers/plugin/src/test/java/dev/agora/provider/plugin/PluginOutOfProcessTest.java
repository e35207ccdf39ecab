package dev.agora.provider.plugin;

import static dev.agora.provider.plugin.PluginHarness.ab;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Plugins run in a child JVM (out_of_process): calls, crashes, deadlines, the command wrapper. */
class PluginOutOfProcessTest extends PluginTest {

  @Test
  void a_plugin_in_a_child_jvm_is_called_and_a_crash_takes_only_the_child_down() throws Exception {
    PluginJars.install(
        jars.plugin(
            "pr",
            "remote",
            "1.0.0",
            "remote.sum",
            "1.0.0",
            "return Value.of(a(input) + b(input));"),
        h.plugins,
        "remote-sum.jar");
    PluginJars.install(
        jars.plugin(
            "px",
            "crash",
            "1.0.0",
            "crash.exit",
            "1.0.0",
            "if (a(input) == 1) Runtime.getRuntime().halt(3); if (a(input) == 2) throw new IllegalStateException(\"two\"); return Value.of(0);"),
        h.plugins,
        "remote-crash.jar");
    PluginJars.install(
        jars.plugin(
            "ph",
            "hang",
            "1.0.0",
            "hang.sleep",
            "1.0.0",
            "Thread.sleep(Long.MAX_VALUE); return Value.of(0);"),
        h.plugins,
        "remote-hang.jar");
    PluginJars.install(
        jars.plugin(
            "pl", "local", "1.0.0", "local.sum", "1.0.0", "return Value.of(a(input) + b(input));"),
        h.plugins,
        "local.jar");
    h.start("plugins: {dir: plugins, watch: false, out_of_process: [\"remote-*.jar\"]}\n");
    assertThat(h.call("remote.sum", null, ab(2, 40))).isEqualTo(Value.of(42));
    assertThat(h.market.registry().get("remote.sum").provenance().origin().get("host"))
        .isEqualTo(Value.of("process"));
    assertThat(h.source().loaded().get(h.plugins.resolve("remote-sum.jar")))
        .isInstanceOf(RemotePlugin.class);
    assertThat(h.source().loaded().get(h.plugins.resolve("local.jar")))
        .isInstanceOf(LoadedPlugin.class);

    assertThatThrownBy(
            () ->
                h.market.call(
                    new CallRequest(
                            "hang.sleep",
                            null,
                            ab(0, 0),
                            SecurityContext.full("local"),
                            null,
                            null,
                            null)
                        .withTimeout(Duration.ofMillis(300))))
        .isInstanceOf(AgoraError.Timeout.class);

    assertThat(h.call("crash.exit", null, ab(0, 0))).isEqualTo(Value.of(0));
    assertThatThrownBy(() -> h.call("crash.exit", null, ab(2, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("plugin crash 1.0.0 failed: IllegalStateException: two");
    assertThatThrownBy(() -> h.call("crash.exit", null, ab(1, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("plugin crash 1.0.0's host exited");
    assertThatThrownBy(() -> h.call("crash.exit", null, ab(0, 0)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("host exited");
    assertThat(h.call("remote.sum", null, ab(1, 1))).isEqualTo(Value.of(2));
    assertThat(h.call("local.sum", null, ab(1, 1))).isEqualTo(Value.of(2));

    RemotePlugin sum = (RemotePlugin) h.source().loaded().get(h.plugins.resolve("remote-sum.jar"));
    h.source().close();
    sum.process().waitFor();
    assertThat(sum.process().isAlive()).isFalse();
  }

  private PluginSource remoteSource(Path dir) {
    return new PluginSource(
        "p", dir, false, tmp.resolve("work"), getClass().getClassLoader(), List.of("*.jar"));
  }

  @Test
  void the_host_command_goes_through_the_wrapper_and_every_failure_to_start_is_a_problem()
      throws Exception {
    PluginJars.install(
        jars.plugin("pr", "remote", "1.0.0", "remote.sum", "1.0.0", "return Value.of(1);"),
        h.plugins,
        "a.jar");
    PluginSource s = remoteSource(h.plugins);
    List<List<String>> seen = new CopyOnWriteArrayList<>();
    s.commandWrapper(
        c -> {
          seen.add(c);
          return c;
        });
    DiscoverySource.Found f = s.discover();
    assertThat(f.manifests()).extracting(m -> m.id()).containsExactly("remote.sum");
    assertThat(seen)
        .singleElement()
        .satisfies(c -> assertThat(c).contains(PluginHost.class.getName()));
    s.close();

    PluginJars.corrupt(h.plugins, "b.jar");
    for (var c :
        List.of(
            List.of(List.of("/nonexistent/agora-java"), "its plugin host cannot start"),
            List.of(List.of("true"), "exited before announcing"),
            List.of(List.of("echo", "not json"), "did not announce the plugin"))) {
      PluginSource bad = remoteSource(h.plugins);
      @SuppressWarnings("unchecked")
      List<String> command = (List<String>) c.get(0);
      bad.commandWrapper(x -> command);
      assertThat(bad.discover().problems())
          .anySatisfy(p -> assertThat(p.message()).contains((String) c.get(1)));
      bad.close();
    }
    PluginSource corrupt = remoteSource(h.plugins);
    assertThat(corrupt.discover().problems())
        .anySatisfy(
            p -> assertThat(p.toString()).contains("b.jar").contains("it is not a JAR file"));
    corrupt.close();
  }

  @Test
  void the_host_answers_in_json_lines() throws Exception {
    Path jar =
        jars.plugin(
            "pq",
            "q",
            "1.0.0",
            "q.sum",
            "1.0.0",
            "if (a(input) < 0) throw new IllegalStateException(\"negative\");"
                + " if (a(input) == 5) Thread.sleep(Long.MAX_VALUE);"
                + " if (a(input) == 7) return Value.of(call.callId() + \" \" + call.capabilityId() + \" \" + call.caller().identity() + \" \" + call.planId() + \" \" + call.remaining().isNegative());"
                + " return Value.of(a(input) + b(input));");
    String in =
        """
        {"id": 1, "capability": "q.sum@1.0.0", "input": "{:a 1 :b 2}", "timeout_ms": 5000}
        {"id": 2, "capability": "q.nope@1.0.0", "input": "{}", "timeout_ms": 5000}
        {"id": 3, "capability": "q.sum@1.0.0", "input": "{:a -1 :b 2}", "timeout_ms": 5000}
        {"cancel": 99}
        {"id": 4, "capability": "q.sum@1.0.0", "input": "{:a 7 :b 0}", "timeout_ms": 5000}
        {"id": 5, "capability": "q.sum@1.0.0", "input": "{:a 5 :b 0}", "timeout_ms": 5000}
        {"cancel": 5}
        """;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        PluginHost.serve(
            jar,
            new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(code).isZero();
    assertThat(text)
        .contains("\"plugin\":\"q\"")
        .contains("\"result\":\"3\"")
        .contains("the plugin host runs no q.nope@1.0.0")
        .contains("plugin q 1.0.0 failed: IllegalStateException: negative")
        .contains("host-4 q.sum plugin-host null false")
        .contains("{\"id\":5,\"error\":");
    ByteArrayOutputStream refused = new ByteArrayOutputStream();
    assertThat(
            PluginHost.serve(
                tmp.resolve("missing.jar"),
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(refused, true, StandardCharsets.UTF_8)))
        .isEqualTo(1);
    assertThat(refused.toString(StandardCharsets.UTF_8)).contains("\"error\"");
  }
}
