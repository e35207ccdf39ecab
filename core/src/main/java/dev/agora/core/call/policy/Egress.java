package dev.agora.core.call.policy;

import dev.agora.core.error.AgoraError;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Where remote providers may send requests (SSRF guard). A host must match {@code allow}; and
 * whatever it matches, if its name resolves to an address that is not public — loopback, private,
 * link-local, cloud metadata, documentation, NAT64, 6to4 … every block of the IANA special-purpose
 * registries ({@link #special}) — it must also match {@code privateHosts} — checked on the
 * addresses DNS gives now, and again on every redirect hop by the provider.
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
   * What is special about an address (loopback, private, documentation, NAT64 …), or null for a
   * public one: every block of the IANA special-purpose registries and multicast ({@link
   * AddressBlocks}). IPv6 forms that carry an IPv4 address are refused whatever it is, and named by
   * it when it is special (issue 12).
   */
  public static String special(InetAddress a) {
    return AddressBlocks.kind(a);
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
