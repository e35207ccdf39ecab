package dev.agora.provider.http;

import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Polling;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A network registry (docs/REGISTRY.md) as a discovery source: lists every page of {@code GET
 * <url>/capabilities}, retrying failures with exponential backoff and jitter (Resilience4j), and
 * keeps the last good listing on disk — so Agora starts with the cached capabilities while the
 * registry is down (health DOWN, a problem saying since when). While watching, it lists again every
 * {@code refresh} with If-None-Match; a 304 changes nothing.
 */
final class RegistrySource implements DiscoverySource {

  private final String name;
  private final URI base;
  private final String tokenEnv;
  private final UnaryOperator<String> environment;
  private final Duration refresh;
  private final Path cache;
  private final Retry retry;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, CapabilityManifest> current = new HashMap<>();
  private volatile Health health = Health.UP;
  private volatile String etag;
  private volatile Polling polling;

  RegistrySource(
      String name,
      URI base,
      String tokenEnv,
      UnaryOperator<String> environment,
      Duration refresh,
      Path cache,
      int attempts,
      Duration backoff) {
    this.name = name;
    this.base = URI.create(base.toString().endsWith("/") ? base.toString() : base + "/");
    this.tokenEnv = tokenEnv;
    this.environment = environment;
    this.refresh = refresh;
    this.cache = cache;
    this.retry =
        Retry.of(
            "registry-" + name,
            RetryConfig.custom()
                .maxAttempts(attempts)
                .intervalFunction(
                    IntervalFunction.ofExponentialRandomBackoff(
                        backoff, 2.0, 0.5, Duration.ofSeconds(10)))
                .retryExceptions(IOException.class)
                .build());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Health health() {
    return health;
  }

  @Override
  public synchronized Found discover() throws Exception {
    try {
      List<Value> listed = list(false);
      save(listed);
      return found(listed);
    } catch (IOException e) {
      health = new Health(false, "registry " + base + " unreachable: " + e.getMessage());
      Cached c = load();
      if (c == null) {
        throw new IOException(
            "the registry "
                + base
                + " cannot be reached ("
                + e.getMessage()
                + ") and there is no cached listing at "
                + cache,
            e);
      }
      Found f = found(c.manifests());
      List<DocumentProblem> problems = new ArrayList<>(f.problems());
      problems.add(
          new DocumentProblem(
              base.toString(),
              0,
              "",
              "the registry cannot be reached ("
                  + e.getMessage()
                  + "); using the listing cached at "
                  + c.fetched()));
      return new Found(f.manifests(), problems);
    }
  }

  @Override
  public synchronized void watch(Changes changes) {
    if (polling == null && refresh.isPositive()) {
      polling = new Polling("agora-registry-" + name, refresh, () -> poll(changes));
    }
  }

  private synchronized void poll(Changes changes) {
    try {
      List<Value> listed = list(true);
      if (listed == null) {
        health = Health.UP;
        return;
      }
      save(listed);
      List<CapabilityManifest> before = List.copyOf(current.values());
      Found f = found(listed);
      f.problems().forEach(p -> changes.problem(this, p));
      changes.diff(this, before, f.manifests());
    } catch (Exception e) {
      health = new Health(false, "registry " + base + " unreachable: " + e.getMessage());
      changes.problem(
          this,
          new DocumentProblem(
              base.toString(),
              0,
              "",
              "refresh failed, keeping what was listed: " + e.getMessage()));
    }
  }

  /**
   * Every manifest of every page, as the registry sent them (and the first page's ETag kept for the
   * next conditional listing), or null when {@code conditional} and the registry says nothing
   * changed.
   */
  private List<Value> list(boolean conditional) throws Exception {
    List<Value> all = new ArrayList<>();
    String cursor = null;
    String firstEtag = null;
    do {
      URI page =
          base.resolve(
              "capabilities?limit=500"
                  + (cursor == null
                      ? ""
                      : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
      HttpRequest.Builder b =
          HttpRequest.newBuilder(page)
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json");
      String token = tokenEnv == null ? null : environment.apply(tokenEnv);
      if (tokenEnv != null && (token == null || token.isEmpty())) {
        throw new IllegalStateException(
            "the environment variable " + tokenEnv + " (the registry token) is not set");
      }
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      if (conditional && cursor == null && etag != null) {
        b.header("If-None-Match", etag);
      }
      HttpResponse<String> r;
      try {
        r = Retry.decorateCheckedSupplier(retry, () -> send(b.build())).get();
      } catch (IOException | InterruptedException | RuntimeException e) {
        throw e;
      } catch (Throwable t) {
        throw new IOException(t);
      }
      if (r.statusCode() == 304 && cursor == null) {
        return null;
      }
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "the registry answered HTTP " + r.statusCode() + " for " + page.getPath());
      }
      if (cursor == null) {
        firstEtag = r.headers().firstValue("ETag").orElse(null);
      }
      // what the registry lists is registered, recorded and cached: never with the token it was
      // sent
      Value body = Redactor.NONE.with(tokenEnv, token).redact(Json.parse(r.body()));
      if (!(body instanceof Dict d) || !(d.get("capabilities") instanceof Seq items)) {
        throw new IllegalStateException("the registry's answer has no capabilities list");
      }
      all.addAll(items.items());
      cursor =
          d.get("next_cursor") instanceof Value.Str s && !s.value().isEmpty() ? s.value() : null;
    } while (cursor != null);
    etag = firstEtag;
    health = Health.UP;
    return all;
  }

  /** One request: 5xx and 429 count as failures worth retrying. */
  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 500 || r.statusCode() == 429) {
      throw new IOException("HTTP " + r.statusCode());
    }
    return r;
  }

  private Found found(List<Value> manifests) {
    Document doc =
        new Document(
            base.toString(),
            Dict.builder().put("capabilities", Vec.of(manifests)).build(),
            Map.of());
    Manifests.LoadResult r = Manifests.parse(doc);
    Dict.Builder origin =
        Dict.builder().put("registry", Value.of(OpenApiSource.withoutQuery(base)));
    String tag = etag;
    if (tag != null) {
      origin.put("etag", Value.of(tag));
    }
    Provenance p = Provenance.origin(origin.build());
    List<CapabilityManifest> found = r.manifests().stream().map(m -> m.withProvenance(p)).toList();
    current.clear();
    found.forEach(m -> current.put(m.id(), m));
    return new Found(found, r.problems());
  }

  // ---- The cache on disk ----

  private record Cached(List<Value> manifests, String fetched) {}

  private void save(List<Value> manifests) {
    try {
      Files.createDirectories(cache.getParent());
      Dict d =
          Dict.builder()
              .put("fetched", Value.of(Instant.now().toString()))
              .put("capabilities", Vec.of(manifests))
              .build();
      Path tmp = cache.resolveSibling(cache.getFileName() + ".tmp");
      Files.writeString(tmp, Json.write(d));
      Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      health =
          new Health(
              true, "listed, but the cache " + cache + " cannot be written: " + e.getMessage());
    }
  }

  private Cached load() {
    try {
      if (!Files.exists(cache)) {
        return null;
      }
      Value v =
          Documents.parse(Files.readString(cache), cache.toString(), Documents.Format.JSON).root();
      if (v instanceof Dict d && d.get("capabilities") instanceof Seq items) {
        return new Cached(
            items.items(), d.get("fetched") instanceof Value.Str s ? s.value() : "an unknown time");
      }
    } catch (Exception e) {
      // an unreadable cache is no cache
    }
    return null;
  }

  @Override
  public void close() {
    Polling.stop(polling);
    synchronized (this) {
      client.close();
    }
  }
}
