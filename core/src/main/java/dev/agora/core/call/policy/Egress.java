package dev.agora.core.call.policy;

import dev.agora.core.error.AgoraError;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where remote providers may send requests (SSRF guard). A host must match {@code allow}; and
 * whatever it matches, if its name resolves to a loopback, private, link-local, shared,
 * unspecified, multicast or cloud-metadata address, it must also match {@code privateHosts} —
 * checked on the addresses DNS gives now, and again on every redirect hop by the provider.
 *
 * <p>Patterns: {@code *} (any host), {@code example.com}, {@code *.example.com} (subdomains, not
 * the domain itself), each optionally with {@code :port}; IPv6 literals in brackets.
 *
 * @param allow hosts remote calls may reach (the default: any)
 * @param privateHosts hosts allowed to resolve to non-public addresses (the default: none)
 */
public record Egress(List<String> allow, List<String> privateHosts) {

  /** Any public host; nothing private. */
  public static final Egress DEFAULT = new Egress(List.of("*"), List.of());

  public Egress {
    allow = allow.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    privateHosts = privateHosts.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  /** A problem with a pattern as written in agora.yaml, or null. */
  public static String problem(String pattern) {
    String p = pattern.strip();
    if (p.isEmpty() || p.contains("/") || p.contains("@") || p.contains("?")) {
      return "'"
          + pattern
          + "' is not a host pattern; write a host such as api.example.com, *.example.com or "
          + "127.0.0.1:8080";
    }
    if (p.indexOf('*') > 0
        || p.indexOf('*', 1) >= 0
        || (p.startsWith("*") && !p.equals("*") && !p.startsWith("*."))) {
      return "'"
          + pattern
          + "': a wildcard may only stand for the whole host (*) or its leftmost labels (*.example.com)";
    }
    return null;
  }

  /**
   * Checks a request target before it is sent and returns the addresses its host resolved to.
   *
   * @throws AgoraError.AccessDenied when the host is not allowed or resolves where it may not go
   * @throws AgoraError.ProviderError (transient) when the host cannot be resolved
   */
  public List<InetAddress> check(String capabilityId, URI uri) {
    String host = uri.getHost();
    if (host == null
        || !("http".equalsIgnoreCase(uri.getScheme())
            || "https".equalsIgnoreCase(uri.getScheme()))) {
      throw new AgoraError.AccessDenied(
          capabilityId, "'" + safe(uri) + "' is not an http(s) URL", "policy.egress");
    }
    String h = host.toLowerCase(Locale.ROOT);
    int port =
        uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    if (!matchesAny(allow, h, port)) {
      throw new AgoraError.AccessDenied(
          capabilityId, "host '" + h + "' is not in policy.egress.allow", "policy.egress");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h);
    } catch (UnknownHostException e) {
      throw AgoraError.ProviderError.transientFailure(
          capabilityId, "cannot resolve host '" + h + "'", e);
    }
    boolean privateAllowed = matchesAny(privateHosts, h, port);
    for (InetAddress a : addresses) {
      String kind = special(a);
      if (kind != null && !privateAllowed) {
        throw new AgoraError.AccessDenied(
            capabilityId,
            "host '"
                + h
                + "' resolves to "
                + kind
                + " address "
                + a.getHostAddress()
                + "; list it under policy.egress.private to allow it",
            "policy.egress");
      }
    }
    return List.of(addresses);
  }

  /**
   * What is special about an address (loopback, private …), or null for a public one. IPv6
   * addresses that carry an IPv4 address — compatible {@code ::a.b.c.d}, NAT64 {@code
   * 64:ff9b::/96}, 6to4 {@code 2002::/16} — are judged by the IPv4 address inside: a NAT64 gateway
   * or 6to4 relay would deliver them there (a classic SSRF bypass).
   */
  public static String special(InetAddress a) {
    byte[] b = a.getAddress();
    return b.length == 4 ? specialV4(b) : specialV6(a, b);
  }

  private static String specialV6(InetAddress a, byte[] b) {
    if (a.isLoopbackAddress()) {
      return "a loopback";
    }
    if (a.isAnyLocalAddress()) {
      return "an unspecified";
    }
    if (a.isMulticastAddress()) {
      return "a multicast";
    }
    byte[] v4 = embeddedV4(b);
    if (v4 != null) {
      return specialV4(v4);
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return "a private (unique local)";
    }
    if (a.isLinkLocalAddress() || a.isSiteLocalAddress()) {
      return "a link-local";
    }
    if (startsWith(
        b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) { // 64:ff9b:1::/48, where the IPv4 part sits varies
      return "a NAT64 (local-use)";
    }
    if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) { // 2001::/32: the client address is obfuscated
      return "a tunnelled (Teredo)";
    }
    return null;
  }

  private static String specialV4(byte[] b) {
    int o0 = b[0] & 0xff;
    int o1 = b[1] & 0xff;
    int o2 = b[2] & 0xff;
    if (o0 == 127) {
      return "a loopback";
    }
    if (o0 == 0) {
      return "an unspecified";
    }
    if (o0 >= 224) {
      return o0 < 240 ? "a multicast" : "a reserved";
    }
    if (o0 == 169 && o1 == 254) {
      return o2 == 169 && (b[3] & 0xff) == 254 ? "the cloud metadata" : "a link-local";
    }
    if (o0 == 10 || (o0 == 172 && o1 >= 16 && o1 < 32) || (o0 == 192 && o1 == 168)) {
      return "a private";
    }
    if (o0 == 100 && o1 >= 64 && o1 < 128) {
      return "a shared (carrier-grade NAT)";
    }
    if (o0 == 192 && o1 == 0
        && o2 == 0) { // 192.0.0.0/24, where some clouds put their metadata (192.0.0.192)
      return "an IETF-reserved";
    }
    if (o0 == 198 && (o1 == 18 || o1 == 19)) {
      return "a benchmarking";
    }
    return null;
  }

  /**
   * The IPv4 address inside an IPv6 one (mapped, compatible, NAT64 well-known prefix, 6to4), or
   * null.
   */
  private static byte[] embeddedV4(byte[] b) {
    int mark = (b[10] & 0xff) << 8 | (b[11] & 0xff);
    if (startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        && (mark == 0xffff || mark == 0)) { // ::ffff:a.b.c.d, ::a.b.c.d
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0)) {
      return Arrays.copyOfRange(b, 12, 16);
    }
    if (startsWith(b, 0x20, 0x02)) {
      return Arrays.copyOfRange(b, 2, 6);
    }
    return null;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesAny(List<String> patterns, String host, int port) {
    for (String p : patterns) {
      if (matches(p, host, port)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(String pattern, String host, int port) {
    String hostPart = pattern;
    int colon = pattern.lastIndexOf(':');
    if (colon
        > pattern.lastIndexOf(
            ']')) { // host:port (an IPv6 literal keeps its colons inside brackets)
      hostPart = pattern.substring(0, colon);
      if (!pattern.substring(colon + 1).equals(Integer.toString(port))) {
        return false;
      }
    }
    if (hostPart.equals("*")) {
      return true;
    }
    if (hostPart.startsWith("*.")) {
      return host.endsWith(hostPart.substring(1));
    }
    return hostPart.equals(host);
  }

  /** A URL for messages: scheme, host, port and path — never the query, which may carry a key. */
  public static String safe(URI uri) {
    String s =
        (uri.getScheme() == null ? "" : uri.getScheme() + "://")
            + (uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceAll("^.*@", ""))
            + (uri.getRawPath() == null ? "" : uri.getRawPath());
    return uri.getRawQuery() == null ? s : s + "?…";
  }
}
