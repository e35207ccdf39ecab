package dev.agora.provider.plugin;

import static dev.agora.provider.plugin.PluginHarness.ab;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.Hashes;
import dev.agora.core.trust.JarSignatures;
import dev.agora.core.trust.Keys;
import dev.agora.rtfs.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code plugins.require_signature}: a JAR is loaded only with a {@code .sig} by one of
 * trust.authorities over its digest, and only for capabilities that authority may vouch for —
 * checked before any of its code runs.
 */
class PluginSignatureTest extends PluginTest {

  static final String YAML =
      """
      trust:
        authorities:
          - {name: acme, public_key: keys/acme.pub, namespaces: ["acme.*"]}
      plugins: {dir: plugins, watch: false, require_signature: true}
      """;

  Keys.Written keys() throws Exception {
    return Keys.generate(Files.createDirectories(h.dir.resolve("keys")), "acme");
  }

  /** Installs {@code jar} as {@code name} and, when {@code key} is given, its signature. */
  void install(Path jar, String name, Keys.Written key, String authority) throws Exception {
    Path installed = PluginJars.install(jar, h.plugins, name);
    if (key != null) {
      String sha = Hashes.hex(Hashes.sha256(Files.readAllBytes(installed)));
      Files.writeString(
          h.plugins.resolve(name + ".sig"),
          JarSignatures.sign(sha, Keys.readPrivate(key.privateKey()), authority));
    }
  }

  @Test
  void onlySignedJarsLoadAndOnlyForWhatTheirSignerMayVouchFor() throws Exception {
    Keys.Written acme = keys();
    Keys.Written mallory = Keys.generate(h.dir.resolve("keys"), "mallory");
    Path good =
        jars.plugin(
            "pa", "acme", "1.0.0", "acme.sum", "1.0.0", "return Value.of(a(input) + b(input));");
    install(good, "signed.jar", acme, "acme");
    install(
        jars.plugin("pb", "plain", "1.0.0", "acme.plain", "1.0.0", "return Value.of(0);"),
        "unsigned.jar",
        null,
        null);
    install(
        jars.plugin("pc", "forged", "1.0.0", "acme.forged", "1.0.0", "return Value.of(0);"),
        "forged.jar",
        mallory,
        "acme");
    install(
        jars.plugin("pd", "stranger", "1.0.0", "acme.x", "1.0.0", "return Value.of(0);"),
        "stranger.jar",
        mallory,
        "mallory");
    install(
        jars.plugin("pe", "wide", "1.0.0", "bank.steal", "1.0.0", "return Value.of(0);"),
        "wide.jar",
        acme,
        "acme");
    Files.writeString(h.plugins.resolve("garbled.jar.sig"), "signature: ???\n");
    install(
        jars.plugin("pf", "garbled", "1.0.0", "acme.g", "1.0.0", "return Value.of(0);"),
        "garbled.jar",
        null,
        null);
    Files.writeString(h.plugins.resolve("notb64.jar.sig"), "authority: acme\nsignature: ***\n");
    install(
        jars.plugin("pg", "notb64", "1.0.0", "acme.n", "1.0.0", "return Value.of(0);"),
        "notb64.jar",
        null,
        null);

    h.start(YAML);
    assertThat(h.call("acme.sum", null, ab(40, 2))).isEqualTo(Value.of(42));
    assertThat(h.market.registry().get("acme.plain")).isNull();
    assertThat(h.problems())
        .anySatisfy(
            p -> assertThat(p).contains("unsigned.jar").contains("unsigned.jar.sig is missing"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("forged.jar")
                    .contains("its signature by 'acme' does not verify"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("stranger.jar")
                    .contains("'mallory', which is not among trust.authorities"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("wide.jar")
                    .contains("its signer 'acme' may vouch for acme.*, not for bank.steal"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("garbled.jar")
                    .contains("needs the lines 'authority:' and 'signature:'"))
        .anySatisfy(p -> assertThat(p).contains("notb64.jar").contains("is not base64"));
    assertThat(h.market.registry().get("bank.steal")).isNull();
  }

  @Test
  void requiringSignaturesWithoutAuthoritiesIsAConfigError() throws Exception {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> h.start("plugins: {dir: plugins, require_signature: true}\n"))
        .hasMessageContaining("plugins.require_signature")
        .hasMessageContaining("there are none");
  }
}
