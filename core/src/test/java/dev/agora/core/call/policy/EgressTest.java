package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressTest {

  /**
   * Issue 12: every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries (and
   * multicast) is refused unless allowed — its first, an inner and its last address — and the
   * addresses just outside each block are public. Nothing here opens a connection.
   */
  @Test
  void everyNonPublicAddressIsNamed() throws Exception {
    String[][] cases = {
      // IPv4: block edges, named kinds
      {"0.0.0.0", "an unspecified"},
      {"0.255.255.255", "an unspecified"},
      {"10.0.0.0", "a private"},
      {"10.255.255.255", "a private"},
      {"100.64.0.0", "a shared (carrier-grade NAT)"},
      {"100.127.255.255", "a shared (carrier-grade NAT)"},
      {"127.0.0.1", "a loopback"},
      {"127.8.9.10", "a loopback"},
      {"169.254.0.0", "a link-local"},
      {"169.254.255.255", "a link-local"},
      {"169.254.169.254", "the cloud metadata"},
      {"172.16.0.0", "a private"},
      {"172.31.255.255", "a private"},
      {"192.0.0.0", "an IETF-reserved"},
      {"192.0.0.192", "an IETF-reserved"},
      {"192.0.0.255", "an IETF-reserved"},
      {"192.0.2.1", "a documentation (TEST-NET-1)"},
      {"192.31.196.1", "an AS112"},
      {"192.52.193.1", "an AMT"},
      {"192.88.99.1", "a 6to4 relay anycast"},
      {"192.168.0.0", "a private"},
      {"192.168.255.255", "a private"},
      {"192.175.48.1", "an AS112"},
      {"198.18.0.0", "a benchmarking"},
      {"198.19.255.255", "a benchmarking"},
      {"198.51.100.7", "a documentation (TEST-NET-2)"},
      {"203.0.113.7", "a documentation (TEST-NET-3)"},
      {"224.0.0.1", "a multicast"},
      {"239.255.255.255", "a multicast"},
      {"240.0.0.1", "a reserved"},
      {"255.255.255.254", "a reserved"},
      {"255.255.255.255", "the limited broadcast"},
      // IPv6
      {"::", "an unspecified"},
      {"::1", "a loopback"},
      {"64:ff9b:1::1", "a NAT64 (local-use)"},
      {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", "a NAT64 (local-use)"},
      {"100::", "a discard-only"},
      {"100::ffff:ffff:ffff:ffff", "a discard-only"},
      {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "a tunnelled (Teredo)"},
      {"2001:1::1", "an IETF protocol assignment"},
      {"2001:1ff:ffff::1", "an IETF protocol assignment"},
      {"2001:db8::1", "a documentation"},
      {"2001:db8:ffff::1", "a documentation"},
      {"3fff::1", "a documentation"},
      {"3fff:fff::1", "a documentation"},
      {"5f00::1", "a segment routing (SRv6 SID)"},
      {"fc00::1", "a private (unique local)"},
      {"fd00:ec2::254", "a private (unique local)"},
      {"fe80::1", "a link-local"},
      {"febf::1", "a link-local"},
      {"fec0::1", "a site-local (deprecated)"},
      {"ff02::1", "a multicast"},
      // IPv6 forms that carry an IPv4 address: named by it when it is special, refused anyway
      {"::ffff:127.0.0.1", "a loopback"},
      {"::ffff:10.0.0.1", "a private"},
      {"::127.0.0.1", "a loopback"},
      {"::169.254.169.254", "the cloud metadata"},
      {"::8.8.8.8", "an IPv4-compatible (deprecated)"},
      {"64:ff9b::a9fe:a9fe", "the cloud metadata"},
      {"64:ff9b::10.0.0.1", "a private"},
      {"64:ff9b::808:808", "a NAT64"},
      {"64:ff9b::c612:1", "a benchmarking"},
      {"2002:7f00:1::", "a loopback"},
      {"2002:c0a8:101::1", "a private"},
      {"2002:808:808::1", "a 6to4"},
    };
    for (String[] c : cases) {
      assertThat(Egress.special(InetAddress.getByName(c[0]))).as(c[0]).isEqualTo(c[1]);
    }
    for (String pub :
        List.of(
            "8.8.8.8",
            "1.0.0.0",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.1",
            "126.255.255.255",
            "128.0.0.0",
            "169.253.0.1",
            "169.255.0.0",
            "172.15.0.1",
            "172.32.0.1",
            "191.255.255.255",
            "192.0.1.0",
            "192.0.3.0",
            "192.31.195.255",
            "192.52.194.0",
            "192.88.98.255",
            "192.167.255.255",
            "192.169.0.0",
            "192.175.49.0",
            "198.17.255.255",
            "198.20.0.1",
            "198.51.101.0",
            "203.0.112.255",
            "223.255.255.255",
            "1.1.1.1",
            "2001:4860:4860::8888",
            "2001:200::1",
            "2001:db9::1",
            "2003::1",
            "3fff:1000::1",
            "5f01::1",
            "64:ff9a::1",
            "64:ff9b:2::1",
            "101::1",
            "fbff::1",
            "fe7f::1")) {
      assertThat(Egress.special(InetAddress.getByName(pub))).as(pub).isNull();
    }
  }

  /** A 16-byte IPv4-mapped address (Java turns the text form into IPv4 first) is judged too. */
  @Test
  void sixteenByteMappedAddressesAreJudgedByTheirIpv4Address() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 8;
    mapped[13] = 8;
    mapped[14] = 8;
    mapped[15] = 8;
    assertThat(Egress.special(Inet6Address.getByAddress(null, mapped, null)))
        .isEqualTo("an IPv4-mapped");
    mapped[12] = 127;
    assertThat(Egress.special(Inet6Address.getByAddress(null, mapped, null)))
        .isEqualTo("a loopback");
  }

  /** Issue 12: a benchmarking or documentation address is refused by check, not only named. */
  @Test
  void checkRefusesSpecialPurposeLiteralsUnlessListedAsPrivate() {
    for (String host : List.of("198.18.0.1", "[64:ff9b::808:808]", "[2002:808:808::1]")) {
      assertThatThrownBy(() -> Egress.DEFAULT.check("c", URI.create("http://" + host + ":9/")))
          .as(host)
          .isInstanceOf(AgoraError.AccessDenied.class)
          .hasMessageContaining("list it under policy.egress.private to allow it");
    }
    Egress allowed = new Egress(List.of("*"), List.of("198.18.0.1"));
    assertThat(allowed.check("c", URI.create("http://198.18.0.1:9/")))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("198.18.0.1");
  }

  @Test
  void hostPatterns() {
    assertThat(Egress.matches("*", "anything.example", 443)).isTrue();
    assertThat(Egress.matches("api.example.com", "api.example.com", 443)).isTrue();
    assertThat(Egress.matches("api.example.com", "evil-api.example.com", 443)).isFalse();
    assertThat(Egress.matches("*.example.com", "a.b.example.com", 80)).isTrue();
    assertThat(Egress.matches("*.example.com", "example.com", 80)).isFalse();
    assertThat(Egress.matches("*.example.com", "badexample.com", 80)).isFalse();
    assertThat(Egress.matches("127.0.0.1:8080", "127.0.0.1", 8080)).isTrue();
    assertThat(Egress.matches("127.0.0.1:8080", "127.0.0.1", 8081)).isFalse();
    assertThat(Egress.matches("[::1]:80", "[::1]", 80)).isTrue();
    assertThat(Egress.problem("*.example.com")).isNull();
    assertThat(Egress.problem("api.*.com")).contains("a wildcard may only stand for");
    assertThat(Egress.problem("http://x/")).contains("is not a host pattern");
    for (String bad : List.of("", " ", "user@host", "host?x")) {
      assertThat(Egress.problem(bad)).as(bad).contains("is not a host pattern");
    }
    for (String bad : List.of("*example.com", "api*", "*.*.example.com")) {
      assertThat(Egress.problem(bad)).as(bad).contains("a wildcard may only stand for");
    }
    assertThat(Egress.problem("*")).isNull();
    assertThat(Egress.problem("[::1]:8080")).isNull();
  }

  @Test
  void checkUsesTheSchemeDefaultPortAndResolvesLiterals() {
    Egress tls = new Egress(List.of("127.0.0.1:443"), List.of("127.0.0.1"));
    assertThat(tls.check("c", URI.create("https://127.0.0.1/"))).hasSize(1);
    assertThatThrownBy(() -> tls.check("c", URI.create("http://127.0.0.1/")))
        .hasMessageContaining("host '127.0.0.1' is not in policy.egress.allow");
    Egress v6 = new Egress(List.of("[::1]:80"), List.of("[::1]"));
    assertThat(v6.check("c", URI.create("http://[::1]/")))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("0:0:0:0:0:0:0:1");
    assertThat(new Egress(List.of("EXAMPLE.invalid"), List.of()).allow())
        .containsExactly("example.invalid");
  }

  @Test
  void anUnresolvableHostIsATransientProviderErrorAndAHostlessUrlIsRefused() {
    assertThatThrownBy(() -> Egress.DEFAULT.check("c", URI.create("http://nothing.invalid/")))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("cannot resolve host 'nothing.invalid'")
        .satisfies(e -> assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue());
    assertThatThrownBy(() -> Egress.DEFAULT.check("c", URI.create("http:/no-host")))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("'http:///no-host' is not an http(s) URL");
    assertThat(Egress.safe(URI.create("relative/path"))).isEqualTo("relative/path");
    assertThat(Egress.safe(URI.create("mailto:someone"))).isEqualTo("mailto://");
  }

  @Test
  void checkRefusesWhatPolicyDoesNotAllow() {
    Egress d = Egress.DEFAULT;
    assertThatThrownBy(() -> d.check("c", URI.create("http://127.0.0.1:9/x?key=secret")))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessage(
            "capability 'c' is denied by policy.egress: host '127.0.0.1' resolves to a loopback address "
                + "127.0.0.1; list it under policy.egress.private to allow it");
    assertThatThrownBy(() -> d.check("c", URI.create("file:///etc/passwd")))
        .isInstanceOf(AgoraError.AccessDenied.class)
        .hasMessageContaining("is not an http(s) URL");
    Egress local = new Egress(List.of("127.0.0.1:9"), List.of("127.0.0.1"));
    assertThat(local.check("c", URI.create("http://127.0.0.1:9/")))
        .extracting(InetAddress::getHostAddress)
        .containsExactly("127.0.0.1");
    assertThatThrownBy(() -> local.check("c", URI.create("http://127.0.0.1:10/")))
        .hasMessageContaining("host '127.0.0.1' is not in policy.egress.allow");
    assertThat(Egress.safe(URI.create("https://user:pw@api.example.com:8443/v1/x?key=secret")))
        .isEqualTo("https://api.example.com:8443/v1/x?…");
  }
}
