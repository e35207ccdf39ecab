package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Bouncy Castle's Ed25519 and the JDK's make and accept the same signatures. */
class Ed25519Test {

  static final byte[] MESSAGE = "a checkpoint".getBytes(StandardCharsets.UTF_8);

  @Test
  void signaturesAreInterchangeableWithTheJdks() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] seed = Ed25519.raw(pair.getPrivate().getEncoded());
    byte[] pub = Ed25519.raw(pair.getPublic().getEncoded());
    Ed25519.SigningKey key = Ed25519.signingKey(seed);
    assertThat(key.publicKey()).isEqualTo(pub);

    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initSign(pair.getPrivate());
    jdk.update(MESSAGE);
    byte[] byJdk = jdk.sign();
    assertThat(key.sign(MESSAGE)).as("Ed25519 is deterministic").isEqualTo(byJdk);
    assertThat(Ed25519.verify(pub, MESSAGE, byJdk)).isTrue();

    Signature check = Signature.getInstance("Ed25519");
    check.initVerify(pair.getPublic());
    check.update(MESSAGE);
    assertThat(check.verify(key.sign(MESSAGE))).isTrue();
  }

  @Test
  void anythingElseDoesNotVerify() throws Exception {
    Ed25519.SigningKey key = Ed25519.signingKey(new byte[32]);
    byte[] pub = key.publicKey();
    byte[] sig = key.sign(MESSAGE);
    byte[] changed = sig.clone();
    changed[5] ^= 1;
    assertThat(Ed25519.verify(pub, MESSAGE, changed)).isFalse();
    assertThat(Ed25519.verify(pub, "another".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(Ed25519.verify(Arrays.copyOf(pub, 31), MESSAGE, sig)).isFalse();
    assertThat(Ed25519.verify(pub, MESSAGE, Arrays.copyOf(sig, 63))).isFalse();
    byte[] notAPoint = new byte[32];
    Arrays.fill(notAPoint, (byte) 0xff);
    assertThat(Ed25519.verify(notAPoint, MESSAGE, sig)).isFalse();
    assertThatThrownBy(() -> Ed25519.signingKey(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an Ed25519 seed is 32 bytes, not 31");
  }
}
