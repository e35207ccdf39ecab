package dev.agora.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 6962 Merkle hashing and proofs, against the test vectors of the RFC's reference
 * implementation.
 */
class MerkleTest {

  private static final HexFormat HEX = HexFormat.of();

  /** The eight leaves used by certificate-transparency and Trillian for RFC 6962 test vectors. */
  private static final String[] LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };

  private static final String[] ROOTS = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  };

  private static List<byte[]> leaves() {
    List<byte[]> out = new ArrayList<>();
    for (String l : LEAVES) {
      out.add(Hashes.leaf(HEX.parseHex(l)));
    }
    return out;
  }

  private static List<String> hex(List<byte[]> hashes) {
    return hashes.stream().map(HEX::formatHex).toList();
  }

  @Test
  void rootsMatchTheRfcVectorsBothRecursivelyAndIncrementally() {
    List<byte[]> l = leaves();
    CompactRange range = CompactRange.EMPTY;
    assertThat(HEX.formatHex(range.root()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (int n = 1; n <= 8; n++) {
      range = range.append(l.get(n - 1));
      assertThat(HEX.formatHex(Merkle.root(Merkle.Leaves.of(l), 0, n)))
          .as("size %d", n)
          .isEqualTo(ROOTS[n - 1]);
      assertThat(HEX.formatHex(range.root()))
          .as("compact range, size %d", n)
          .isEqualTo(ROOTS[n - 1]);
      assertThat(CompactRange.fromBytes(range.toBytes()).root()).isEqualTo(range.root());
    }
  }

  @Test
  void inclusionProofsMatchTheRfcVectors() {
    Merkle.Leaves l = Merkle.Leaves.of(leaves());
    assertThat(Merkle.inclusionProof(l, 0, 1)).isEmpty();
    assertThat(hex(Merkle.inclusionProof(l, 0, 8)))
        .containsExactly(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    assertThat(hex(Merkle.inclusionProof(l, 5, 8)))
        .containsExactly(
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    assertThat(hex(Merkle.inclusionProof(l, 2, 3)))
        .containsExactly("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
    assertThat(hex(Merkle.inclusionProof(l, 1, 5)))
        .containsExactly(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  }

  @Test
  void consistencyProofsMatchTheRfcVectors() {
    Merkle.Leaves l = Merkle.Leaves.of(leaves());
    assertThat(Merkle.consistencyProof(l, 1, 1)).isEmpty();
    assertThat(hex(Merkle.consistencyProof(l, 1, 8)))
        .containsExactly(
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
    assertThat(hex(Merkle.consistencyProof(l, 6, 8)))
        .containsExactly(
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
    assertThat(hex(Merkle.consistencyProof(l, 2, 5)))
        .containsExactly(
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
  }

  @Test
  void everyProofForEverySizeUpTo70VerifiesAndNoTamperedOneDoes() {
    List<byte[]> l = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      l.add(Hashes.leaf(new byte[] {(byte) i}));
    }
    Merkle.Leaves leaves = Merkle.Leaves.of(l);
    for (int n = 1; n <= 70; n++) {
      byte[] root = Merkle.root(leaves, 0, n);
      for (int i = 0; i < n; i++) {
        List<byte[]> path = Merkle.inclusionProof(leaves, i, n);
        assertThat(Merkle.verifyInclusion(l.get(i), i, n, path, root))
            .as("leaf %d of %d", i, n)
            .isTrue();
        assertThat(Merkle.verifyInclusion(l.get((i + 1) % 70), i, n, path, root))
            .as("wrong leaf")
            .isFalse();
        if (n > 1) {
          assertThat(Merkle.verifyInclusion(l.get(i), (i + 1) % n, n, path, root))
              .as("wrong index")
              .isFalse();
        }
        if (!path.isEmpty()) {
          List<byte[]> bad = new ArrayList<>(path);
          bad.set(0, Hashes.leaf(new byte[] {99}));
          assertThat(Merkle.verifyInclusion(l.get(i), i, n, bad, root))
              .as("changed path")
              .isFalse();
          assertThat(Merkle.verifyInclusion(l.get(i), i, n, path.subList(1, path.size()), root))
              .as("short path")
              .isFalse();
        }
      }
      for (int m = 0; m <= n; m++) {
        byte[] old = Merkle.root(leaves, 0, m);
        List<byte[]> proof = Merkle.consistencyProof(leaves, m, n);
        assertThat(Merkle.verifyConsistency(m, n, old, root, proof)).as("%d -> %d", m, n).isTrue();
        if (m > 0 && m < n) {
          assertThat(Merkle.verifyConsistency(m, n, Hashes.leaf(new byte[] {7, 7}), root, proof))
              .isFalse();
          assertThat(Merkle.verifyConsistency(m, n, old, old, proof)).isFalse();
          assertThat(Merkle.verifyConsistency(m, n, old, root, proof.subList(0, proof.size() - 1)))
              .isFalse();
        }
      }
    }
  }

  @Test
  void proofRequestsOutsideTheTreeAreRefused() {
    Merkle.Leaves l = Merkle.Leaves.of(leaves());
    assertThatThrownBy(() -> Merkle.inclusionProof(l, 8, 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaf 8 is not in a tree of size 8");
    assertThatThrownBy(() -> Merkle.consistencyProof(l, 5, 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Merkle.verifyInclusion(new byte[32], -1, 8, List.of(), new byte[32])).isFalse();
    assertThat(Merkle.verifyConsistency(5, 4, new byte[32], new byte[32], List.of())).isFalse();
    assertThatThrownBy(() -> CompactRange.fromBytes(new byte[] {0, 0, 0, 0, 0, 0, 0, 3}))
        .isInstanceOf(ChainFormatException.class)
        .hasMessageContaining("must hold 2 hashes");
  }
}
