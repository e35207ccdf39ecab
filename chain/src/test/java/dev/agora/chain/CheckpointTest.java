package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  private static final byte[] ROOT = Hashes.sha256("root".getBytes());

  @Test
  void aSignedCheckpointIsAC2spNoteThatVerifiesWithTheKeyAlone() {
    ChainKey key = ChainKey.generate("agora-node-1");
    Checkpoint c = Checkpoint.sign("agora.local/log", 1042, ROOT, key);
    String note = c.note();
    assertThat(note)
        .startsWith(
            "agora.local/log\n1042\n"
                + Base64.getEncoder().encodeToString(ROOT)
                + "\n\n\u2014 agora-node-1 ");
    assertThat(note).endsWith("\n");
    // the signature blob is the 4-byte key id then the 64-byte Ed25519 signature
    String blob = note.substring(note.lastIndexOf(' ') + 1).strip();
    byte[] raw = Base64.getDecoder().decode(blob);
    assertThat(raw).hasSize(68);
    assertThat(Arrays.copyOf(raw, 4)).isEqualTo(key.verifier().hash());

    VerifierKey vkey = VerifierKey.parse(key.verifier().encoded());
    Checkpoint back = Checkpoint.parse(note);
    assertThat(back).isEqualTo(c);
    assertThat(back.signedBy(vkey)).isTrue();
    assertThat(back.signedBy(ChainKey.generate("agora-node-1").verifier()))
        .as("same name, other key")
        .isFalse();
    Checkpoint forged = Checkpoint.parse(note.replace("\n1042\n", "\n1043\n"));
    assertThat(forged.signedBy(vkey)).as("size changed after signing").isFalse();
    Checkpoint cosigned = back.cosign(ChainKey.generate("witness"));
    assertThat(Checkpoint.parse(cosigned.note()).signatures()).hasSize(2);
    assertThat(Checkpoint.parse(cosigned.note()).signedBy(vkey)).isTrue();
  }

  @Test
  void verifierKeysFollowTheNoteFormatAndRejectGarbage() {
    ChainKey key = ChainKey.generate("node");
    String encoded = key.verifier().encoded();
    assertThat(encoded).matches("node\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]{44}");
    assertThat(key.toString()).doesNotContain("PRIVATE");
    assertThatThrownBy(() -> VerifierKey.parse("node+abc"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("expected <name>+<hash>+<key>");
    assertThatThrownBy(() -> VerifierKey.parse("node+00000000+" + encoded.split("\\+", 3)[2]))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("does not match the key");
    assertThatThrownBy(() -> VerifierKey.parse("node+00000000+!!!"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> VerifierKey.parse("node+00000000+AQID"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("not an Ed25519 key");
    assertThatThrownBy(() -> ChainKey.generate("has space"))
        .isInstanceOf(ChainFormatException.class);
  }

  @Test
  void malformedNotesAreTypedErrorsNamingTheLine() {
    ChainKey key = ChainKey.generate("n");
    String good = Checkpoint.sign("o", 3, ROOT, key).note();
    assertThatThrownBy(() -> Checkpoint.parse("o\n3\n"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("a blank line and signature lines");
    assertThatThrownBy(() -> Checkpoint.parse(good.replace("\n3\n", "\n03\n")))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Checkpoint.parse(good.replace("\n3\n", "\n-3\n")))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Checkpoint.parse("o\n3\nAAAA\n\n\u2014 n AAAAAAAA\n"))
        .hasMessageContaining("line 3: root hash must be 32 bytes");
    assertThatThrownBy(() -> Checkpoint.parse(good.replace("\u2014 ", "- ")))
        .hasMessageContaining("line 5");
    assertThatThrownBy(() -> Checkpoint.parse(good.substring(0, good.indexOf("\u2014"))))
        .isInstanceOf(ChainFormatException.class);
    String root = Base64.getEncoder().encodeToString(ROOT);
    String sig = good.substring(good.indexOf("\u2014"));
    assertThatThrownBy(() -> Checkpoint.parse("o\n9999999999999999999\n" + root + "\n\n" + sig))
        .isInstanceOf(ChainFormatException.class)
        .hasMessage("line 2: tree size '9999999999999999999' is too large");
    assertThatThrownBy(() -> Checkpoint.parse("o\n3\n\n" + sig))
        .hasMessageContaining("found 2 lines");
    assertThatThrownBy(() -> Checkpoint.parse("o\n3\n!!not base64!!\n\n" + sig))
        .hasMessage("line 3: root hash is not valid base64");
    assertThatThrownBy(() -> Checkpoint.parse("\n3\n" + root + "\n\n" + sig))
        .hasMessage("checkpoint origin must be one non-empty line");
    assertThatThrownBy(() -> Checkpoint.parse(good.replace(sig, "\u2014 n two words\n")))
        .hasMessage("line 5: expected '\u2014 <name> <base64 key id and signature>'");
    assertThatThrownBy(() -> Checkpoint.parse(good.replace(sig, "\u2014 n !!!\n")))
        .hasMessage("line 5: expected '\u2014 <name> <base64 key id and signature>'");
    assertThatThrownBy(() -> Checkpoint.parse(good.replace(sig, "\u2014 n AAAA\n")))
        .as("a key id without a signature")
        .hasMessageStartingWith("line 5: expected");
    assertThatThrownBy(() -> new Checkpoint("o", -1, ROOT, List.of()))
        .hasMessage("checkpoint needs a size \u2265 0 and a 32-byte root");
    assertThatThrownBy(() -> new Checkpoint("a\nb", 1, ROOT, List.of()))
        .hasMessage("checkpoint origin must be one non-empty line");
    Checkpoint back = Checkpoint.parse(good);
    assertThat(back).isEqualTo(Checkpoint.parse(good)).hasSameHashCodeAs(Checkpoint.parse(good));
    assertThat(back).isNotEqualTo(Checkpoint.sign("o", 4, ROOT, key)).isNotEqualTo("o");
    assertThat(back.toString()).isEqualTo(good);
    assertThat(back.signedBy(ChainKey.generate("n").verifier()))
        .as("same name, other key")
        .isFalse();
  }

  @Test
  void theNodeKeyIsCreatedOnceOwnerOnlyAndReloaded(@TempDir Path dir) throws Exception {
    ChainKey first = ChainKey.loadOrCreate(dir, "agora-node-x");
    Path priv = dir.resolve(ChainKey.PRIVATE_FILE);
    assertThat(Files.readString(priv)).startsWith("PRIVATE+KEY+agora-node-x+");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve(ChainKey.PUBLIC_FILE)).strip())
        .isEqualTo(first.verifier().encoded());
    ChainKey again = ChainKey.loadOrCreate(dir, "ignored");
    assertThat(again.verifier()).isEqualTo(first.verifier());
    byte[] msg = "hello".getBytes();
    assertThat(first.verifier().verify(msg, again.sign(msg))).isTrue();

    Files.writeString(
        dir.resolve(ChainKey.PUBLIC_FILE), ChainKey.generate("other").verifier().encoded());
    assertThatThrownBy(() -> ChainKey.loadOrCreate(dir, "x"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("does not belong to");
    Files.writeString(priv, "garbage");
    assertThatThrownBy(() -> ChainKey.loadOrCreate(dir, "x"))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining(priv.toString())
        .hasMessageContaining("not a signing key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("PRIVATE+KEY+agora"));
  }
}
