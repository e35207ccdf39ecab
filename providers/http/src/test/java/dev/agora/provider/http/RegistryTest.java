package dev.agora.provider.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry protocol client against a real registry server on 127.0.0.1 that fails on request.
 */
@Timeout(60)
class RegistryTest {

  @TempDir Path dir;

  HttpServer server;

  /** What the registry lists: a version tag (the ETag) and the manifests' JSON. */
  volatile String version = "v1";

  volatile List<String> manifests =
      List.of(manifest("reg.a"), manifest("reg.b"), manifest("reg.c"));
  final AtomicInteger failures = new AtomicInteger();
  volatile boolean down;

  /** When set, the whole answer to every listing (200, JSON), whatever it is. */
  volatile String raw;

  final List<String> requests = new CopyOnWriteArrayList<>();

  /** Released once per 304: tests wait on it for unchanged refreshes. */
  final Semaphore notModified = new Semaphore(0);

  static String manifest(String id) {
    return "{\"id\": \""
        + id
        + "\", \"version\": \"1.0.0\", \"effects\": [\"network\"], "
        + "\"provider\": {\"type\": \"http\", \"url\": \"https://api.example.com/"
        + id
        + "\"}}";
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/v1/capabilities", this::list);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void list(HttpExchange x) throws IOException {
    String q = x.getRequestURI().getQuery();
    requests.add(x.getRequestURI() + " inm=" + x.getRequestHeaders().getFirst("If-None-Match"));
    if (down || failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      send(x, 503, "{\"error\": \"unavailable\"}", null);
      return;
    }
    if (raw != null) {
      send(x, 200, raw, null);
      return;
    }
    if (!"Bearer reg-token".equals(x.getRequestHeaders().getFirst("Authorization"))) {
      send(x, 401, "{\"error\": \"who are you\"}", null);
      return;
    }
    String etag = "\"" + version + "\"";
    boolean second = q != null && q.contains("cursor=p2");
    if (!second && etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
      x.sendResponseHeaders(304, -1);
      x.close();
      notModified.release();
      return;
    }
    List<String> all = manifests;
    List<String> page =
        second ? all.subList(2, all.size()) : all.subList(0, Math.min(2, all.size()));
    String next = !second && all.size() > 2 ? "\"p2\"" : "null";
    send(
        x,
        200,
        "{\"capabilities\": [" + String.join(", ", page) + "], \"next_cursor\": " + next + "}",
        etag);
  }

  private static void send(HttpExchange x, int status, String body, String etag)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    if (etag != null) {
      x.getResponseHeaders().add("ETag", etag);
    }
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  RegistrySource source(Map<String, String> env) {
    return source(env, "REG_TOKEN", dir.resolve("cache/registry-company.json"), "/v1");
  }

  RegistrySource source(Map<String, String> env, String tokenEnv, Path cache, String path) {
    return new RegistrySource(
        "company",
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
        tokenEnv,
        env::get,
        Duration.ofMillis(50),
        cache,
        4,
        Duration.ofMillis(1));
  }

  static List<String> ids(DiscoverySource.Found f) {
    return f.manifests().stream().map(CapabilityManifest::id).toList();
  }

  /**
   * Issue 11: a registry that quotes the token it was sent in what it lists had it registered,
   * recorded in the Causal Chain, shown to callers and written to the disk cache.
   */
  @Test
  void aListingQuotingTheTokenIsRegisteredAndCachedWithItsName() throws Exception {
    manifests =
        List.of(
            manifest("reg.a")
                .replace(
                    "\"version\"",
                    "\"description\": \"listed for Bearer reg-token\", \"metadata\": {\"reg-token\": 1}, \"version\""));
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      CapabilityManifest m = s.discover().manifests().getFirst();
      assertThat(m.description()).isEqualTo("listed for Bearer [redacted:REG_TOKEN]");
      assertThat(m.toValue().toString()).doesNotContain("reg-token");
    }
    assertThat(Files.readString(dir.resolve("cache/registry-company.json")))
        .contains("[redacted:REG_TOKEN]")
        .doesNotContain("reg-token");
  }

  @Test
  void listsEveryPageRetryingFailuresAndCachesTheResult() throws Exception {
    failures.set(2); // two 503s: retried with backoff
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      DiscoverySource.Found f = s.discover();
      assertThat(ids(f)).containsExactly("reg.a", "reg.b", "reg.c");
      assertThat(f.problems()).isEmpty();
      assertThat(s.health().up()).isTrue();
    }
    assertThat(requests).hasSize(4); // 503, 503, page 1, page 2
    assertThat(requests.get(3)).contains("cursor=p2");
    assertThat(Files.readString(dir.resolve("cache/registry-company.json")))
        .contains("reg.c")
        .contains("fetched");
  }

  @Test
  void refreshesWithIfNoneMatchAndAppliesChanges() throws Exception {
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      s.discover();
      CountDownLatch added = new CountDownLatch(1);
      CountDownLatch removed = new CountDownLatch(1);
      s.watch(
          new DiscoverySource.Changes() {
            @Override
            public void upsert(DiscoverySource src, CapabilityManifest m) {
              if (m.id().equals("reg.d")) {
                added.countDown();
              }
            }

            @Override
            public void remove(DiscoverySource src, String id, String v) {
              if (id.equals("reg.a")) {
                removed.countDown();
              }
            }

            @Override
            public void problem(DiscoverySource src, DocumentProblem p) {}
          });
      // unchanged: each refresh is one conditional request answered 304
      assertThat(notModified.tryAcquire(2, 20, TimeUnit.SECONDS)).isTrue();
      assertThat(requests.stream().filter(r -> r.contains("inm=\"v1\"")).count())
          .isGreaterThanOrEqualTo(2);
      manifests = List.of(manifest("reg.b"), manifest("reg.c"), manifest("reg.d"));
      version = "v2";
      assertThat(added.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(removed.await(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void startsFromTheCacheWhileTheRegistryIsDown() throws Exception {
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      s.discover();
    }
    down = true;
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      DiscoverySource.Found f = s.discover();
      assertThat(ids(f)).containsExactly("reg.a", "reg.b", "reg.c");
      assertThat(f.problems())
          .singleElement()
          .satisfies(
              p ->
                  assertThat(p.message())
                      .startsWith(
                          "the registry cannot be reached (HTTP 503); using the listing cached at 20"));
      assertThat(s.health().up()).isFalse();
      assertThat(s.health().detail()).contains("unreachable");
    }
    Files.delete(dir.resolve("cache/registry-company.json"));
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      assertThatThrownBy(s::discover)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot be reached (HTTP 503) and there is no cached listing at");
    }
  }

  @Test
  void refusalsAndMissingTokensAreClear() throws Exception {
    try (RegistrySource s = source(Map.of())) {
      assertThatThrownBy(s::discover)
          .hasMessageContaining(
              "the environment variable REG_TOKEN (the registry token) " + "is not set");
    }
    try (RegistrySource s = source(Map.of("REG_TOKEN", "wrong"))) {
      assertThatThrownBy(s::discover)
          .hasMessageContaining("the registry answered HTTP 401 for /v1/capabilities");
    }
  }

  @Test
  void answersThatAreNotAListingAreRefused() throws Exception {
    for (String answer : List.of("[1, 2]", "{\"capabilities\": 7}", "{}")) {
      raw = answer;
      try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
        assertThatThrownBy(s::discover)
            .as(answer)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("the registry's answer has no capabilities list");
      }
    }
    raw =
        "{\"capabilities\": [{\"id\": \"reg.bad\"}, "
            + manifest("reg.ok")
            + "], \"next_cursor\": \"\"}";
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      DiscoverySource.Found f = s.discover();
      assertThat(ids(f)).containsExactly("reg.ok");
      assertThat(f.problems()).isNotEmpty();
    }
  }

  @Test
  void withoutATokenNoneIsSentAndTheRefusalIsClear() throws Exception {
    try (RegistrySource s =
        source(Map.of(), null, dir.resolve("cache/registry-company.json"), "/v1/")) {
      assertThatThrownBy(s::discover)
          .hasMessage("the registry answered HTTP 401 for /v1/capabilities");
    }
    assertThat(requests).singleElement().asString().startsWith("/v1/capabilities?limit=500 ");
  }

  @Test
  void aCacheThatCannotBeWrittenLeavesTheListingUsable() throws Exception {
    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    try (RegistrySource s =
        source(Map.of("REG_TOKEN", "reg-token"), "REG_TOKEN", blocker.resolve("c.json"), "/v1")) {
      assertThat(ids(s.discover())).containsExactly("reg.a", "reg.b", "reg.c");
      assertThat(s.health().up()).isTrue();
      assertThat(s.health().detail())
          .startsWith(
              "listed, but the cache " + blocker.resolve("c.json") + " cannot be written: ");
    }
  }

  @Test
  void aDamagedCacheIsNoCache() throws Exception {
    Path cache = dir.resolve("cache/registry-company.json");
    Files.createDirectories(cache.getParent());
    down = true;
    for (String damaged : List.of("{\"capabilities\": ", "{\"fetched\": 1}", "[]")) {
      Files.writeString(cache, damaged);
      try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
        assertThatThrownBy(s::discover)
            .as(damaged)
            .isInstanceOf(IOException.class)
            .hasMessageContaining("and there is no cached listing at " + cache);
      }
    }
    Files.writeString(cache, "{\"capabilities\": [" + manifest("reg.old") + "]}");
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      DiscoverySource.Found f = s.discover();
      assertThat(ids(f)).containsExactly("reg.old");
      assertThat(f.problems().getLast().message())
          .endsWith("using the listing cached at an unknown time");
    }
  }

  @Test
  void aRefreshThatFailsIsReportedAndTheNextOneRecovers() throws Exception {
    try (RegistrySource s = source(Map.of("REG_TOKEN", "reg-token"))) {
      s.discover();
      Reports reports = new Reports();
      down = true;
      s.watch(reports);
      s.watch(reports); // once is enough
      assertThat(reports.next())
          .isEqualTo("problem refresh failed, keeping what was listed: HTTP 503");
      assertThat(s.health().up()).isFalse();
      down = false;
      notModified.drainPermits();
      assertThat(notModified.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
      assertThat(notModified.tryAcquire(20, TimeUnit.SECONDS))
          .isTrue(); // a second 304: the poll that had the first is over
      assertThat(s.health()).isEqualTo(DiscoverySource.Health.UP);
    }
  }

  @Test
  void aSourceWithoutRefreshDoesNotPoll() throws Exception {
    try (RegistrySource s =
        new RegistrySource(
            "once",
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"),
            "REG_TOKEN",
            Map.of("REG_TOKEN", "reg-token")::get,
            Duration.ZERO,
            dir.resolve("once.json"),
            1,
            Duration.ofMillis(1))) {
      assertThat(ids(s.discover())).containsExactly("reg.a", "reg.b", "reg.c");
      Reports reports = new Reports();
      s.watch(reports);
      assertThat(reports.seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
      assertThat(requests).hasSize(2);
    }
  }
}
