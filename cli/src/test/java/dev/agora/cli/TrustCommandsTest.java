package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.cli.CliTest.Result;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.trust.Keys;
import dev.agora.core.trust.Passports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** agora trust keygen, agora caps sign, and what caps add / show / call make of passports. */
class TrustCommandsTest {

  @TempDir Path dir;

  /** A command with this test's own data directory (those with a marketplace). */
  private Result agora(String... args) {
    return CliTest.withData(dir.resolve("data"), "", args);
  }

  /** A command without a marketplace (keygen, sign). */
  private static Result plain(String... args) {
    return CliTest.agora(args);
  }

  private static final String GREET =
      "id: shop.greet\nprovider:\n  type: local\n  implementation: '(fn [{:keys [name]}] (str \"Hello, \" name))'\n"
          + "input_schema: '[:map [:name :string]]'\n";

  private Path config(String require) throws Exception {
    Files.createDirectories(dir.resolve("manifests"));
    return Files.writeString(
        dir.resolve("agora.yaml"),
        "sources: [{name: shop, type: files, path: manifests}]\n"
            + "trust:\n"
            + "  authorities: [{name: acme, public_key: keys/acme.pub, namespaces: [\"shop.*\"]}]\n"
            + "  require_signature: ["
            + require
            + "]\n"
            + "  pinning: {mode: off}\n");
  }

  @Test
  void keygenWritesTheKeyPairOnceAndRefusesABadName() throws Exception {
    Result r = plain("trust", "keygen", "--out", dir.resolve("keys").toString(), "--name", "acme");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "private key: "
                + dir.resolve("keys/acme.key")
                + " (keep it secret; mode 0600)\npublic key:  "
                + dir.resolve("keys/acme.pub")
                + "\n");
    assertThat(Files.getPosixFilePermissions(dir.resolve("keys/acme.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    Result again =
        plain("trust", "keygen", "--out", dir.resolve("keys").toString(), "--name", "acme");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err())
        .startsWith("error: cannot write the key pair: ")
        .contains("never replaced");
    Result bad = plain("trust", "keygen", "--out", dir.toString(), "--name", "../x");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(plain("trust", "keygen", "--out", dir.resolve("d").toString()).out())
        .contains(dir.resolve("d/authority.key").toString());
    assertThat(plain("trust").out()).contains("keygen");
  }

  @Test
  void aPluginJarIsSignedBesideItAndTheSignatureVerifies() throws Exception {
    plain("trust", "keygen", "--out", dir.resolve("keys").toString(), "--name", "acme");
    Path jar = Files.write(dir.resolve("tool.jar"), new byte[] {0x50, 0x4b, 3, 4, 1, 2, 3});
    Result r =
        plain(
            "caps",
            "sign",
            jar.toString(),
            "--key",
            dir.resolve("keys/acme.key").toString(),
            "--authority",
            "acme");
    assertThat(r.exit()).as(r.err()).isZero();
    String sha = dev.agora.chain.Hashes.hex(dev.agora.chain.Hashes.sha256(Files.readAllBytes(jar)));
    assertThat(r.out()).contains("signed " + jar + " (sha256 " + sha + ") by acme");
    String sig = Files.readString(dir.resolve("tool.jar.sig"));
    var trust =
        new dev.agora.core.trust.TrustPolicy(
            true,
            java.util.Map.of(
                "acme",
                new dev.agora.core.trust.Authority(
                    "acme",
                    List.of(dev.agora.core.trust.Keys.readPublic(dir.resolve("keys/acme.pub"))),
                    List.of(),
                    null)),
            List.of(),
            dev.agora.core.trust.TrustPolicy.OFF.pinning());
    assertThat(dev.agora.core.trust.JarSignatures.verify(sig, sha, trust).name()).isEqualTo("acme");
    Result missing =
        plain(
            "caps",
            "sign",
            dir.resolve("none.jar").toString(),
            "--key",
            dir.resolve("keys/acme.key").toString(),
            "--authority",
            "acme");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("none.jar");
    Result badKey =
        plain("caps", "sign", jar.toString(), "--key", jar.toString(), "--authority", "acme");
    assertThat(badKey.exit()).isEqualTo(1);
  }

  @Test
  void aSignedManifestInEachFormatIsAdmittedAndShowsItsPassport() throws Exception {
    plain("trust", "keygen", "--out", dir.resolve("keys").toString(), "--name", "acme");
    Path cfg = config("\"shop.*\"");
    Path yaml = Files.writeString(dir.resolve("manifests/greet.yaml"), GREET);
    Path json = dir.resolve("manifests/other.json");
    Path rtfs = dir.resolve("manifests/third.rtfs");
    Files.writeString(
        json,
        "{\"capabilities\": [{\"id\": \"shop.a\", \"provider\": {\"type\": \"local\"}},"
            + " {\"id\": \"shop.b\", \"provider\": {\"type\": \"local\"}, \"effects\": [\"network\"]}]}");
    Files.writeString(
        rtfs, "(capability \"shop.c\" :provider {:type :local} :input-schema [:map [:x :int]])");
    for (Path p : List.of(yaml, json, rtfs)) {
      Result s =
          plain(
              "caps",
              "sign",
              p.toString(),
              "--key",
              dir.resolve("keys/acme.key").toString(),
              "--authority",
              "acme",
              "--expires",
              "2999-12-31");
      assertThat(s.exit()).as(s.err()).isZero();
      assertThat(s.out()).startsWith("signed shop.").contains(" by acme (passport ");
    }
    assertThat(Files.readString(rtfs)).startsWith(";; signed with agora caps sign\n");
    Result list = agora("caps", "list", "--config", cfg.toString(), "shop.*");
    assertThat(list.out()).contains("shop.greet", "shop.a", "shop.b", "shop.c");
    Result show = agora("caps", "show", "--config", cfg.toString(), "shop.greet");
    assertThat(show.out())
        .contains("source:        shop")
        .contains("origin file:   " + yaml)
        .containsPattern("origin sha256: [0-9a-f]{64}")
        .containsPattern("definition:    sha256:[0-9a-f]{64}")
        .contains("passport:      by acme, verified, signed ")
        .contains("expires 3000-01-01T00:00:00Z")
        .containsPattern("passport id:   [0-9a-f]{64}");
    assertThat(
            agora("caps", "call", "--config", cfg.toString(), "shop.greet", "{:name \"Ada\"}")
                .out())
        .isEqualTo("\"Hello, Ada\"\n");
    // not signed and not checked without a trust: section
    Files.writeString(
        dir.resolve("plain.yaml"), "sources: [{name: shop, type: files, path: manifests}]\n");
    assertThat(
            agora("caps", "show", "--config", dir.resolve("plain.yaml").toString(), "shop.greet")
                .out())
        .contains("passport:      by acme, not checked (no trust: section)");
  }

  @Test
  void aTamperedManifestIsRefusedEverywhereWithItsReason() throws Exception {
    plain("trust", "keygen", "--out", dir.resolve("keys").toString(), "--name", "acme");
    Path cfg = config("\"shop.*\"");
    Path yaml = Files.writeString(dir.resolve("manifests/greet.yaml"), GREET);
    plain(
        "caps",
        "sign",
        yaml.toString(),
        "--key",
        dir.resolve("keys/acme.key").toString(),
        "--authority",
        "acme");
    Files.writeString(yaml, Files.readString(yaml).replace("Hello, ", "Send me your password, "));
    Result show = agora("caps", "show", "--config", cfg.toString(), "shop.greet");
    assertThat(show.exit()).isEqualTo(1);
    assertThat(show.err())
        .isEqualTo(
            "error: Untrusted: passport of 'shop.greet' does not verify with the keys of 'acme': the"
                + " manifest was changed after signing, or signed with another key\n");
    Result call =
        agora("caps", "call", "--config", cfg.toString(), "shop.greet", "{:name \"Ada\"}");
    assertThat(call.exit()).isNotZero();
    assertThat(call.err())
        .contains("capability 'shop.greet' is denied by trust: passport of 'shop.greet' does not");
    Path unsigned =
        Files.writeString(dir.resolve("unsigned.yaml"), GREET.replace("shop.greet", "shop.other"));
    Result add = agora("caps", "add", "--config", cfg.toString(), unsigned.toString());
    assertThat(add.exit()).isEqualTo(1);
    assertThat(add.err())
        .isEqualTo(
            "refused shop.other 1.0.0: unsigned: 'shop.other' must carry a passport"
                + " (trust.require_signature 'shop.*')\n");
    Result chain = agora("chain", "show", "--type", "CapabilityRefused");
    assertThat(chain.out()).contains("shop.other");
  }

  @Test
  void theExampleSetRunsAndATamperedCopyOfItIsRefused() throws Exception {
    Result run =
        agora("run", "--config", "../examples/trust/agora.yaml", "../examples/trust/plan.rtfs");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("\"Order A-17: 2999 cents\"\n");
    Path copy = dir.resolve("trust");
    for (String f :
        List.of(
            "agora.yaml",
            "agora.lock",
            "plan.rtfs",
            "keys/acme.pub",
            "manifests/orders.yaml",
            "manifests/receipt.rtfs")) {
      Files.createDirectories(copy.resolve(f).getParent());
      Files.copy(Path.of("../examples/trust").resolve(f), copy.resolve(f));
    }
    Path orders = copy.resolve("manifests/orders.yaml");
    Files.writeString(orders, Files.readString(orders).replace("(* qty price)", "(* qty price 2)"));
    Result tampered =
        agora(
            "run",
            "--config",
            copy.resolve("agora.yaml").toString(),
            copy.resolve("plan.rtfs").toString());
    assertThat(tampered.exit()).isNotZero();
    assertThat(tampered.err())
        .contains(
            "capability 'shop.orders.total' is denied by trust: passport of 'shop.orders.total' does"
                + " not verify");
  }

  @Test
  void signRefusesWhatItCannotSignAndSaysWhy() throws Exception {
    plain("trust", "keygen", "--out", dir.resolve("keys").toString(), "--name", "acme");
    Path yaml = Files.writeString(dir.resolve("greet.yaml"), GREET);
    String key = dir.resolve("keys/acme.key").toString();
    Result badDate =
        plain(
            "caps", "sign", yaml.toString(), "--key", key, "--authority", "a", "--expires", "soon");
    assertThat(badDate.exit()).isEqualTo(2);
    assertThat(badDate.err())
        .isEqualTo("error: --expires: expected a date such as 2027-12-31, found soon\n");
    Result badOut =
        plain(
            "caps",
            "sign",
            yaml.toString(),
            "--key",
            key,
            "--authority",
            "a",
            "--out",
            dir.resolve("x.txt").toString());
    assertThat(badOut.exit()).isEqualTo(2);
    assertThat(badOut.err()).endsWith("x.txt: not a .json, .yaml, .yml or .rtfs file\n");
    Result wrongKey =
        plain(
            "caps",
            "sign",
            yaml.toString(),
            "--key",
            dir.resolve("keys/acme.pub").toString(),
            "--authority",
            "a");
    assertThat(wrongKey.exit()).isEqualTo(1);
    assertThat(wrongKey.err()).contains("expected a PEM block '-----BEGIN PRIVATE KEY-----'");
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "id: x\n");
    Result problems = plain("caps", "sign", broken.toString(), "--key", key, "--authority", "a");
    assertThat(problems.exit()).isEqualTo(1);
    assertThat(problems.err()).startsWith("error: " + broken + ":1: ");
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "");
    Result none = plain("caps", "sign", empty.toString(), "--key", key, "--authority", "a");
    assertThat(none.exit()).isEqualTo(1);
    assertThat(none.err()).isEqualTo("error: " + empty + ": no manifest to sign\n");
    Result unwritable =
        plain(
            "caps",
            "sign",
            yaml.toString(),
            "--key",
            key,
            "--authority",
            "a",
            "--out",
            dir.resolve("no/such/dir.yaml").toString());
    assertThat(unwritable.exit()).isEqualTo(1);
    assertThat(unwritable.err())
        .startsWith("error: cannot write " + dir.resolve("no/such/dir.yaml"));
    Path keywords =
        Files.writeString(
            dir.resolve("tier.rtfs"),
            "(capability \"shop.tier\" :provider {:type :local :implementation (fn [x] x)})");
    Result lossy =
        plain(
            "caps",
            "sign",
            keywords.toString(),
            "--key",
            key,
            "--authority",
            "a",
            "--out",
            dir.resolve("tier.json").toString());
    assertThat(lossy.exit()).isEqualTo(1);
    assertThat(lossy.err())
        .isEqualTo(
            "error: 'shop.tier' cannot be written as JSON without changing what it says (RTFS keeps"
                + " every value); nothing was written\n");
    assertThat(dir.resolve("tier.json")).doesNotExist();
    assertThat(Files.readString(yaml)).as("nothing was changed").isEqualTo(GREET);
  }

  @Test
  void signWritesToAnotherFileInItsFormatAndInstantsAreTakenAsGiven() throws Exception {
    Keys.generate(dir.resolve("keys"), "acme");
    Path yaml = Files.writeString(dir.resolve("greet.yaml"), GREET);
    Path out = dir.resolve("greet.json");
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    SignCommand sign =
        new SignCommand(
            new Main.Io(System.in, new PrintStream(o, true, StandardCharsets.UTF_8), System.err),
            Clock.fixed(Instant.parse("2026-12-04T00:00:00Z"), ZoneOffset.UTC));
    sign.manifest = yaml;
    sign.key = dir.resolve("keys/acme.key");
    sign.authority = "acme";
    sign.expires = "2027-01-01T12:00:00Z";
    sign.out = out;
    assertThat(sign.call()).isZero();
    var loaded = Manifests.load(out);
    assertThat(loaded.problems()).as(Files.readString(out)).isEmpty();
    var signed = loaded.manifests().getFirst();
    assertThat(signed.attestation().createdAt()).isEqualTo(Instant.parse("2026-12-04T00:00:00Z"));
    assertThat(signed.attestation().expiresAt()).isEqualTo(Instant.parse("2027-01-01T12:00:00Z"));
    assertThat(Passports.verifies(signed, List.of(Keys.readPublic(dir.resolve("keys/acme.pub")))))
        .isTrue();
    assertThat(Documents.formatOf(out)).isEqualTo(Documents.Format.JSON);
    assertThat(Files.readString(yaml)).isEqualTo(GREET);
  }
}
