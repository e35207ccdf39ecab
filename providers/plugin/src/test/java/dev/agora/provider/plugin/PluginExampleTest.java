package dev.agora.provider.plugin;

import static dev.agora.provider.plugin.PluginHarness.ab;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example plugin the build makes (examples/plugins/hello-plugin) and the example's plan. */
class PluginExampleTest {

  static final Path EXAMPLE = Path.of("../../examples/plugins");

  @TempDir Path tmp;

  @Test
  void the_example_plugin_loads_and_its_plan_runs() throws Exception {
    Path built = EXAMPLE.resolve("hello-plugin/target/plugins");
    Path jar;
    try (Stream<Path> jars = Files.list(built)) {
      jar = jars.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow();
    }
    try (PluginHarness h = new PluginHarness(tmp)) {
      PluginJars.install(jar, h.plugins, "hello.jar");
      h.start(false);
      assertThat(h.call("hello.sum", null, ab(2, 40))).isEqualTo(Value.of(42));
      assertThat(h.call("hello.greet", null, Dict.builder().put("name", Value.of("Ada")).build()))
          .isEqualTo(Value.of("Hello, Ada!"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      var outcome =
          h.market.runPlan(
              Files.readString(EXAMPLE.resolve("plan.rtfs")),
              "plan.rtfs",
              SecurityContext.full("local"),
              dev.agora.rtfs.Limits.DEFAULT,
              new PrintStream(out, true, StandardCharsets.UTF_8));
      assertThat(outcome.ok()).as(String.valueOf(outcome.error())).isTrue();
      assertThat(outcome.value().toString()).contains("Hello, plugins!").contains("42");
    }
  }
}
