package dev.agora.core.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin JAR's signature over its digest: made, verified, and every way it is refused. */
class JarSignaturesTest {

  @TempDir Path dir;

  @Test
  void aSignatureVerifiesForItsDigestAndAuthorityOnly() throws Exception {
    Keys.Written acme = Keys.generate(dir, "acme");
    Keys.Written old = Keys.generate(dir, "old");
    Keys.Written other = Keys.generate(dir, "other");
    TrustPolicy trust =
        new TrustPolicy(
            true,
            Map.of(
                "acme",
                new Authority(
                    "acme",
                    List.of(Keys.readPublic(old.publicKey()), Keys.readPublic(acme.publicKey())),
                    List.of(),
                    null)),
            List.of(),
            TrustPolicy.OFF.pinning());
    String sha = "ab".repeat(32);
    String sig = JarSignatures.sign(sha, Keys.readPrivate(acme.privateKey()), "acme");
    assertThat(sig).startsWith("authority: acme\nsignature: ");
    assertThat(JarSignatures.verify(sig, sha, trust).name()).as("the second key").isEqualTo("acme");
    assertThatThrownBy(() -> JarSignatures.verify(sig, "cd".repeat(32), trust))
        .hasMessageContaining("does not verify for these bytes (sha256 " + "cd".repeat(32));
    String forged = JarSignatures.sign(sha, Keys.readPrivate(other.privateKey()), "acme");
    assertThatThrownBy(() -> JarSignatures.verify(forged, sha, trust))
        .isInstanceOf(TrustException.class);
    assertThatThrownBy(
            () ->
                JarSignatures.verify(
                    JarSignatures.sign(sha, Keys.readPrivate(other.privateKey()), "other"),
                    sha,
                    trust))
        .hasMessageContaining("'other', which is not among trust.authorities");
    assertThatThrownBy(() -> JarSignatures.verify("authority: acme\n", sha, trust))
        .hasMessageContaining("needs the lines");
    assertThatThrownBy(() -> JarSignatures.verify("signature: x\n", sha, trust))
        .hasMessageContaining("needs the lines");
    assertThatThrownBy(() -> JarSignatures.verify("authority: acme\nsignature: %%%\n", sha, trust))
        .hasMessageContaining("not base64");
  }
}
