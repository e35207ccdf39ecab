package dev.agora.core.call.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The address blocks the egress guard treats as not public: the IANA IPv4 and IPv6 Special-Purpose
 * Address Registries (RFC 6890 and its updates) plus multicast, one row per block, most specific
 * first. Every block is refused, whatever the registry says of its global reachability (issue 12:
 * 198.18/15, NAT64 and 6to4 relays were reached before). IPv6 blocks that carry an IPv4 address
 * (mapped, compatible, NAT64, 6to4) name the IPv4 address's kind when that one is special too — a
 * NAT64 gateway or 6to4 relay would deliver there, which is the more useful thing to say.
 */
final class AddressBlocks {

  /**
   * One block: its prefix, its length in bits, how a message names it, and where an embedded IPv4
   * address starts (-1: none).
   */
  private record Block(byte[] prefix, int bits, String kind, int embedsV4At) {

    boolean contains(byte[] a) {
      if (a.length != prefix.length) {
        return false;
      }
      int whole = bits / 8;
      if (!Arrays.equals(a, 0, whole, prefix, 0, whole)) {
        return false;
      }
      int rest = bits % 8;
      int mask = (0xff << (8 - rest)) & 0xff;
      return rest == 0 || (a[whole] & mask) == (prefix[whole] & mask);
    }
  }

  private static final List<Block> V4 =
      List.of(
          block("169.254.169.254/32", "the cloud metadata"),
          block("255.255.255.255/32", "the limited broadcast"),
          block("0.0.0.0/8", "an unspecified"),
          block("10.0.0.0/8", "a private"),
          block("100.64.0.0/10", "a shared (carrier-grade NAT)"),
          block("127.0.0.0/8", "a loopback"),
          block("169.254.0.0/16", "a link-local"),
          block("172.16.0.0/12", "a private"),
          // 192.0.0.0/24, where some clouds put their metadata (192.0.0.192)
          block("192.0.0.0/24", "an IETF-reserved"),
          block("192.0.2.0/24", "a documentation (TEST-NET-1)"),
          block("192.31.196.0/24", "an AS112"),
          block("192.52.193.0/24", "an AMT"),
          block("192.88.99.0/24", "a 6to4 relay anycast"),
          block("192.168.0.0/16", "a private"),
          block("192.175.48.0/24", "an AS112"),
          block("198.18.0.0/15", "a benchmarking"),
          block("198.51.100.0/24", "a documentation (TEST-NET-2)"),
          block("203.0.113.0/24", "a documentation (TEST-NET-3)"),
          block("224.0.0.0/4", "a multicast"),
          block("240.0.0.0/4", "a reserved"));

  private static final List<Block> V6 =
      List.of(
          block("::/128", "an unspecified"),
          block("::1/128", "a loopback"),
          block("::ffff:0:0/96", "an IPv4-mapped", 12),
          block("::/96", "an IPv4-compatible (deprecated)", 12),
          block("64:ff9b::/96", "a NAT64", 12),
          block("64:ff9b:1::/48", "a NAT64 (local-use)"),
          block("100::/64", "a discard-only"),
          block("2001::/32", "a tunnelled (Teredo)"),
          block("2001::/23", "an IETF protocol assignment"),
          block("2001:db8::/32", "a documentation"),
          block("2002::/16", "a 6to4", 2),
          block("3fff::/20", "a documentation"),
          block("5f00::/16", "a segment routing (SRv6 SID)"),
          block("fc00::/7", "a private (unique local)"),
          block("fe80::/10", "a link-local"),
          block("fec0::/10", "a site-local (deprecated)"),
          block("ff00::/8", "a multicast"));

  private AddressBlocks() {}

  /** How a message names the block {@code address} is in, or null when it is public. */
  static String kind(InetAddress address) {
    return kind(address.getAddress());
  }

  private static String kind(byte[] a) {
    for (Block b : a.length == 4 ? V4 : V6) {
      if (b.contains(a)) {
        if (b.embedsV4At() >= 0) {
          String inner = kind(Arrays.copyOfRange(a, b.embedsV4At(), b.embedsV4At() + 4));
          return inner == null ? b.kind() : inner;
        }
        return b.kind();
      }
    }
    return null;
  }

  private static Block block(String cidr, String kind) {
    return block(cidr, kind, -1);
  }

  /** A row of the table; the literals are addresses, so nothing is looked up in DNS. */
  private static Block block(String cidr, String kind, int embedsV4At) {
    int slash = cidr.indexOf('/');
    try {
      byte[] prefix = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
      if (prefix.length == 4 && cidr.contains(":")) { // ::ffff:0:0 reads as the IPv4 0.0.0.0
        prefix = Arrays.copyOf(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1}, 16);
      }
      return new Block(prefix, Integer.parseInt(cidr.substring(slash + 1)), kind, embedsV4At);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address block: " + cidr, e);
    }
  }
}
