package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BearerTokens} on its own: where its metadata lives for an audience with and without a
 * path, and how it backs off from an authorization server it cannot reach (the real JDK retriever,
 * against a closed loopback port, counted).
 */
class BearerTokensTest {

  @TempDir Path dir;

  private AgoraConfig config() throws IOException {
    Path f = dir.resolve("agora.yaml");
    Files.writeString(f, "contexts: {agent: {level: controlled, allow: []}}\n");
    return ConfigLoader.load(f);
  }

  private static ServerSettings.OAuth oauth(String jwks, String audience) {
    return new ServerSettings.OAuth(
        URI.create("http://127.0.0.1:9"),
        jwks == null ? null : URI.create(jwks),
        audience,
        Map.of("agora:agent", "agent"),
        Duration.ofSeconds(60),
        "tenant",
        false);
  }

  @Test
  void theMetadataLivesBeforeTheAudiencesPath() throws IOException {
    AgoraConfig c = config();
    BearerTokens root =
        new BearerTokens(oauth(null, "https://agora.example.com/"), c, () -> "unused");
    assertThat(root.metadataUrl())
        .isEqualTo("https://agora.example.com/.well-known/oauth-protected-resource");
    BearerTokens bare = new BearerTokens(oauth(null, "https://agora.example.com"), c, () -> "x");
    assertThat(bare.metadataUrl())
        .isEqualTo("https://agora.example.com/.well-known/oauth-protected-resource");
    BearerTokens own = new BearerTokens(oauth(null, null), c, () -> "http://127.0.0.1:5/mcp");
    assertThat(own.metadataUrl())
        .isEqualTo("http://127.0.0.1:5/.well-known/oauth-protected-resource/mcp");
    assertThat(own.metadata()).containsEntry("resource", "http://127.0.0.1:5/mcp");
  }

  @Test
  void anUnreachableServerIsTriedAgainOnlyAfterAWhile() throws IOException {
    AtomicInteger fetches = new AtomicInteger();
    DefaultResourceRetriever real = new DefaultResourceRetriever(1_000, 1_000);
    ResourceRetriever counted =
        url -> {
          fetches.incrementAndGet();
          return real.retrieveResource(url);
        };
    AtomicLong now = new AtomicLong();
    BearerTokens t =
        new BearerTokens(
            oauth(null, null), config(), () -> "http://127.0.0.1:5/mcp", counted, now::get);
    String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
    BearerTokens.Verdict first = t.check(token);
    assertThat(first)
        .isInstanceOfSatisfying(
            BearerTokens.Verdict.Refused.class,
            r -> {
              assertThat(r.status()).isEqualTo(503);
              assertThat(r.description()).contains("gives no key set");
            });
    assertThat(fetches).hasValue(2); // both well-known locations
    now.addAndGet(4_000_000_000L);
    assertThat(t.check(token)).isEqualTo(first);
    assertThat(fetches).as("not tried again within 5 s").hasValue(2);
    now.addAndGet(2_000_000_000L);
    t.check(token);
    assertThat(fetches).hasValue(4);
  }

  @Test
  void aKeySetThatCannotBeFetchedIsAServiceProblem() throws IOException {
    BearerTokens t =
        new BearerTokens(
            oauth("http://127.0.0.1:9/jwks", null), config(), () -> "http://127.0.0.1:5/mcp");
    assertThat(t.check("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJhIn0.c2ln"))
        .isInstanceOfSatisfying(
            BearerTokens.Verdict.Refused.class,
            r -> {
              assertThat(r.status()).isEqualTo(503);
              assertThat(r.description()).startsWith("the authorization server's keys cannot be");
            });
    assertThat(t.check("not a jwt at all"))
        .isInstanceOfSatisfying(
            BearerTokens.Verdict.Refused.class, r -> assertThat(r.status()).isEqualTo(401));
    assertThat(BearerTokens.isJwt("a.b.")).isTrue();
    assertThat(BearerTokens.isJwt("a.b")).isFalse();
    assertThat(BearerTokens.isJwt("ci-key")).isFalse();
  }
}
