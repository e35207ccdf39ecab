package dev.agora.provider.plugin;

import static dev.agora.provider.plugin.PluginHarness.ab;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Value;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload while the node runs: JARs added, replaced and removed in the watched directory;
 * synchronised on the registry's changes and the log, never on sleeps.
 */
class PluginReloadTest {

  @TempDir Path tmp;
  PluginJars jars;
  PluginHarness h;
  final CountDownLatch entered = new CountDownLatch(1);
  final CountDownLatch gate = new CountDownLatch(1);

  /** v1 of calc.sum: a call with a = 1 tells the test it started, then waits for the gate. */
  static final String GATED =
      """
      if (a(input) == 1) {
        ((java.util.concurrent.CountDownLatch) System.getProperties().get("agora.test.entered")).countDown();
        ((java.util.concurrent.CountDownLatch) System.getProperties().get("agora.test.gate")).await();
      }
      return Value.of("v1");
      """;

  @BeforeEach
  void setUp() throws Exception {
    jars = new PluginJars(tmp.resolve("build"));
    h = new PluginHarness(tmp.resolve("node"));
    System.getProperties().put("agora.test.entered", entered);
    System.getProperties().put("agora.test.gate", gate);
  }

  @AfterEach
  void tearDown() {
    gate.countDown();
    System.getProperties().remove("agora.test.entered");
    System.getProperties().remove("agora.test.gate");
    h.close();
  }

  /** A weak reference to the class loader of the plugin loaded from {@code jar}. */
  private WeakReference<ClassLoader> loaderOf(Path jar) {
    return new WeakReference<>(((LoadedPlugin) h.source().loaded().get(jar)).loader());
  }

  /** Collects garbage until {@code ref} is cleared, a bounded number of times. */
  private static boolean collected(WeakReference<?> ref) {
    for (int i = 0; i < 100 && ref.get() != null; i++) {
      System.gc();
      byte[][] pressure = new byte[16][];
      for (int j = 0; j < pressure.length; j++) {
        pressure[j] = new byte[1 << 20];
      }
    }
    return ref.get() == null;
  }

  @Test
  void adding_replacing_and_removing_a_jar_registers_upgrades_and_unregisters_without_a_restart()
      throws Exception {
    h.start(true);
    Path jar = h.plugins.resolve("calc.jar");
    PluginJars.install(
        jars.plugin("v1", "calc", "1.0.0", "calc.sum", "1.0.0", GATED), h.plugins, "calc.jar");
    assertThat(h.nextChange()).isEqualTo("+calc.sum@1.0.0");
    assertThat(h.call("calc.sum", null, ab(0, 0))).isEqualTo(Value.of("v1"));

    // a call in flight on v1 while the JAR is replaced by v2
    CompletableFuture<Value> inFlight =
        CompletableFuture.supplyAsync(() -> h.call("calc.sum", null, ab(1, 0)));
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    WeakReference<ClassLoader> v1 = loaderOf(jar);
    PluginJars.install(
        jars.plugin("v2", "calc", "2.0.0", "calc.sum", "1.0.0", "return Value.of(\"v2\");"),
        h.plugins,
        "calc.jar");
    assertThat(h.nextChange()).isEqualTo("+calc.sum@1.0.0"); // updated in place
    assertThat(h.market.registry().get("calc.sum").provenance().origin().get("plugin_version"))
        .isEqualTo(Value.of("2.0.0"));
    assertThat(h.call("calc.sum", null, ab(0, 0))).isEqualTo(Value.of("v2"));
    assertThat(v1.get()).as("v1 is kept while its call runs").isNotNull();
    gate.countDown();
    assertThat(inFlight.get(30, TimeUnit.SECONDS)).isEqualTo(Value.of("v1"));
    assertThat(collected(v1)).as("v1's class loader is released").isTrue();

    // an upgrade that moves the capability to a new version removes the old one
    WeakReference<ClassLoader> v2 = loaderOf(jar);
    PluginJars.install(
        jars.plugin("v3", "calc", "3.0.0", "calc.sum", "2.0.0", "return Value.of(\"v3\");"),
        h.plugins,
        "calc.jar");
    assertThat(h.nextChange()).isEqualTo("+calc.sum@2.0.0");
    assertThat(h.nextChange()).isEqualTo("-calc.sum@1.0.0");
    assertThat(h.call("calc.sum", null, ab(0, 0))).isEqualTo(Value.of("v3"));
    assertThat(collected(v2)).isTrue();

    // removed
    WeakReference<ClassLoader> v3 = loaderOf(jar);
    Files.delete(jar);
    assertThat(h.nextChange()).isEqualTo("-calc.sum@2.0.0");
    assertThatThrownBy(() -> h.call("calc.sum", null, ab(0, 0)))
        .isInstanceOf(AgoraError.NotFound.class);
    assertThat(collected(v3)).isTrue();
    assertThat(h.source().loaded()).isEmpty();
  }

  @Test
  void a_broken_jar_added_while_running_is_reported_and_changes_nothing_else() throws Exception {
    PluginJars.install(
        jars.plugin("pa", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(7);"),
        h.plugins,
        "calc.jar");
    h.start(true);
    Path bad = PluginJars.corrupt(tmp, "bad.jar");
    Files.move(bad, h.plugins.resolve("bad.jar"));
    assertThat(h.nextLog("bad.jar"))
        .contains("discovery: plugins")
        .contains("it is not a JAR file");
    assertThat(h.call("calc.sum", null, ab(0, 0))).isEqualTo(Value.of(7));
    assertThat(h.changes).isEmpty();
  }

  @Test
  void without_watch_nothing_changes_while_running_and_close_releases_every_plugin()
      throws Exception {
    PluginJars.install(
        jars.plugin("pa", "calc", "1.0.0", "calc.sum", "1.0.0", "return Value.of(7);"),
        h.plugins,
        "calc.jar");
    h.start(false);
    WeakReference<ClassLoader> loader = loaderOf(h.plugins.resolve("calc.jar"));
    h.source().close();
    assertThat(h.source().loaded()).isEmpty();
    assertThat(h.source().provider().bound()).isZero();
    assertThat(collected(loader)).isTrue();
  }
}
