package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who a request is, from its Authorization and X-API-Key headers. */
class CallersTest {

  private static Callers callers(Path dir, String anonymous) throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        contexts:
          ops: {level: full}
          agent: {level: controlled, allow: ["ccos.*"]}
        server:
          %s
          api_keys:
            - {name: first, context: ops, sha256: "%s"}
            - {name: again, context: agent, sha256: "%s"}
            - {name: other, context: agent, sha256: "%s"}
        """
            .formatted(
                anonymous,
                GatewayFixture.sha("shared"),
                GatewayFixture.sha("shared"),
                GatewayFixture.sha("other")));
    return new Callers(ConfigLoader.load(file));
  }

  private static String who(SecurityContext c) {
    return c == null ? null : c.identity();
  }

  @Test
  void aKeyIsTheContextOfItsFirstEntryAndOnlyKnownKeysPass(@TempDir Path dir) throws IOException {
    Callers c = callers(dir, "");
    assertThat(c.anonymousAllowed()).isFalse();
    assertThat(who(c.identify(null, "shared"))).isEqualTo("ops/first");
    assertThat(who(c.identify("Bearer other ", null))).isEqualTo("agent/other");
    assertThat(who(c.identify("BEARER other", " ")))
        .as("a blank X-API-Key is none")
        .isEqualTo("agent/other");
    assertThat(who(c.identify("Bearer shared", "other")))
        .as("X-API-Key first")
        .isEqualTo("agent/other");
    assertThat(c.identify("Bearer unknown", null)).isNull();
    assertThat(c.identify(null, null)).as("no key, no anonymous access").isNull();
    assertThat(c.identify("Basic b3RoZXI=", null)).isNull();
    assertThat(c.identify("Bearer ", null)).isNull();
  }

  @Test
  void withoutAKeyACallerIsTheAnonymousContextButAWrongKeyIsNobody(@TempDir Path dir)
      throws IOException {
    Callers c = callers(dir, "anonymous: agent");
    assertThat(c.anonymousAllowed()).isTrue();
    assertThat(who(c.identify(null, null))).isEqualTo("agent");
    assertThat(who(c.identify(" ", ""))).as("blank headers are no credential").isEqualTo("agent");
    assertThat(c.identify(null, "wrong")).isNull();
    // issue 12: a credential that is not a key is refused even where anonymous callers are let in
    assertThat(c.identify("Bearer   ", "")).isNull();
    assertThat(c.identify("Basic dXNlcjpwdw==", null)).isNull();
    assertThat(c.identify("Digest x", " ")).isNull();
  }

  @Test
  void aTenantsSourceMustBeOneOfTheConfiguredSources(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        contexts: {ops: {level: full}}
        sources:
          - {name: crm, type: static, capabilities: []}
        server:
          tenants:
            acme: {sources: [crm, crn]}
        """);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Callers(ConfigLoader.load(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "server.tenants.acme.sources: no source named 'crn' in "
                + file
                + "; known sources: crm");
    Files.writeString(file, "server:\n  tenants:\n    acme: {sources: [crm]}\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Callers(ConfigLoader.load(file)))
        .hasMessageEndingWith("known sources: none");
  }
}
