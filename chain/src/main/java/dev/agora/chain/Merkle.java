package dev.agora.chain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashes, inclusion proofs and consistency proofs over a list of
 * leaf hashes ({@link Hashes#leaf}). Proof generation follows the RFC's recursive definitions (it
 * hashes the subtrees it needs, O(n)); verification is the RFC's iterative algorithm and needs only
 * the proof, the sizes and the roots.
 */
public final class Merkle {

  /** Where leaf hashes come from: a list in memory, or a store read in pages. */
  @FunctionalInterface
  public interface Leaves {
    byte[] get(long index);

    static Leaves of(List<byte[]> list) {
      return i -> list.get(Math.toIntExact(i));
    }
  }

  private Merkle() {}

  /** MTH(D[from:to]). */
  public static byte[] root(Leaves leaves, long from, long to) {
    long n = to - from;
    if (n == 0) {
      return Hashes.sha256(new byte[0]);
    }
    if (n == 1) {
      return leaves.get(from);
    }
    long k = largestPowerOfTwoBelow(n);
    return Hashes.node(root(leaves, from, from + k), root(leaves, from + k, to));
  }

  /**
   * The audit path of leaf {@code index} in the tree of the first {@code size} leaves, leaf side
   * first.
   */
  public static List<byte[]> inclusionProof(Leaves leaves, long index, long size) {
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + size);
    }
    List<byte[]> path = new ArrayList<>();
    path(leaves, index, 0, size, path);
    return path;
  }

  private static void path(Leaves leaves, long m, long from, long to, List<byte[]> out) {
    long n = to - from;
    if (n <= 1) {
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m < k) {
      path(leaves, m, from, from + k, out);
      out.add(root(leaves, from + k, to));
    } else {
      path(leaves, m - k, from + k, to, out);
      out.add(root(leaves, from, from + k));
    }
  }

  /** The proof that the tree of size {@code second} extends the tree of size {@code first}. */
  public static List<byte[]> consistencyProof(Leaves leaves, long first, long second) {
    if (first < 0 || first > second) {
      throw new IllegalArgumentException(
          "no consistency proof from size " + first + " to size " + second);
    }
    List<byte[]> proof = new ArrayList<>();
    if (first > 0 && first < second) {
      subproof(leaves, first, 0, second, true, proof);
    }
    return proof;
  }

  private static void subproof(
      Leaves leaves, long m, long from, long to, boolean whole, List<byte[]> out) {
    long n = to - from;
    if (m == n) {
      if (!whole) {
        out.add(root(leaves, from, to));
      }
      return;
    }
    long k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      subproof(leaves, m, from, from + k, whole, out);
      out.add(root(leaves, from + k, to));
    } else {
      subproof(leaves, m - k, from + k, to, false, out);
      out.add(root(leaves, from, from + k));
    }
  }

  /**
   * RFC 9162 §2.1.3.2: does {@code path} prove that {@code leaf} is entry {@code index} of the tree
   * {@code (size, root)}?
   */
  public static boolean verifyInclusion(
      byte[] leaf, long index, long size, List<byte[]> path, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leaf;
    for (byte[] p : path) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Hashes.node(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = Hashes.node(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(r, root);
  }

  /**
   * RFC 9162 §2.1.4.2: does {@code proof} show that tree {@code (second, secondRoot)} extends
   * {@code (first, firstRoot)}?
   */
  public static boolean verifyConsistency(
      long first, long second, byte[] firstRoot, byte[] secondRoot, List<byte[]> proof) {
    if (first < 0 || first > second) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && Arrays.equals(firstRoot, secondRoot);
    }
    if (first == 0) {
      return proof.isEmpty(); // the empty tree is a prefix of every tree
    }
    if (proof.isEmpty()) {
      return false;
    }
    List<byte[]> path = new ArrayList<>(proof);
    if (Long.bitCount(first) == 1) {
      path.addFirst(firstRoot);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    byte[] fr = path.getFirst();
    byte[] sr = path.getFirst();
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Hashes.node(c, fr);
        sr = Hashes.node(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        sr = Hashes.node(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot);
  }

  /** The largest power of two strictly below {@code n} (n ≥ 2). */
  static long largestPowerOfTwoBelow(long n) {
    return Long.highestOneBit(n - 1);
  }
}
