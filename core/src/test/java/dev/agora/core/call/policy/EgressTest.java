package dev.agora.core.call.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.error.AgoraError;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressTest {

  @Test
  void everyNonPublicAddressIsNamed() throws Exception {
    String[][] cases = {
      {"127.0.0.1", "a loopback"},
      {"127.8.9.10", "a loopback"},
      {"::1", "a loopback"},
      {"10.1.2.3", "a private"},
      {"172.16.0.1", "a private"},
      {"172.31.255.255", "a private"},
      {"192.168.1.1", "a private"},
      {"169.254.169.254", "the cloud metadata"},
      {"169.254.1.1", "a link-local"},
      {"100.64.0.1", "a shared (carrier-grade NAT)"},
      {"0.0.0.0", "an unspecified"},
      {"0.1.2.3", "an unspecified"},
      {"224.0.0.1", "a multicast"},
      {"240.0.0.1", "a reserved"},
      {"fc00::1", "a private (unique local)"},
      {"fd00:ec2::254", "a private (unique local)"},
      {"fe80::1", "a link-local"},
      {"::ffff:127.0.0.1", "a loopback"},
      {"::ffff:10.0.0.1", "a private"},
      {"::", "an unspecified"},
      {"255.255.255.255", "a reserved"},
      {"192.0.0.192", "an IETF-reserved"},
      {"198.18.0.1", "a benchmarking"},
      {"ff02::1", "a multicast"},
      {"fec0::1", "a link-local"},
      // IPv6 addresses that carry an IPv4 one are judged by it (NAT64, 6to4, the compatible form)
      {"::127.0.0.1", "a loopback"},
      {"::169.254.169.254", "the cloud metadata"},
      {"64:ff9b::a9fe:a9fe", "the cloud metadata"},
      {"64:ff9b::10.0.0.1", "a private"},
      {"2002:7f00:1::", "a loopback"},
      {"2002:c0a8:101::1", "a private"},
      {"64:ff9b:1::1", "a NAT64 (local-use)"},
      {"2001:0:4136:e378:8000:63bf:3fff:fdd2", "a tunnelled (Teredo)"},
    };
    for (String[] c : cases) {
      assertThat(Egress.special(InetAddress.getByName(c[0]))).as(c[0]).isEqualTo(c[1]);
    }
    for (String pub :
        List.of(
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "1.1.1.1",
            "2001:4860:4860::8888",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "192.0.2.1",
            "198.20.0.1",
            "172.15.0.1",
            "169.253.0.1")) {
      assertThat(Egress.special(InetAddress.getByName(pub))).as(pub).isNull();
    }
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
