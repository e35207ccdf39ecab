package dev.agora.provider.http;

import dev.agora.chain.Hashes;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Provenance;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.core.spi.Polling;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAPI document (a file or a URL) as a discovery source. While watching it is read again
 * every {@code refresh}: a document whose bytes changed — or, for a file, one of the files its
 * {@code $ref}s read — is converted again and the registry is told what appeared, changed and went
 * away (a URL is asked with If-None-Match, so an unchanged document costs a 304). A document that
 * cannot be read or parsed keeps the capabilities it had and makes the source's health DOWN, saying
 * why, until a good one replaces it.
 */
final class OpenApiSource implements DiscoverySource {

  private final String name;
  private final Path file;
  private final URI url;
  private final String prefix;
  private final String server;
  private final OpenApi.Auth auth;
  private final Duration refresh;
  private final HttpClient client;
  private volatile Health health = Health.UP;
  private Health documentHealth = Health.UP; // of the last document read, whether usable
  private String etag;
  private byte[] lastHash;
  private List<Path> parts = List.of(); // the other files the last document's $refs read
  private final Map<String, CapabilityManifest> current = new HashMap<>();
  private volatile Polling polling;

  OpenApiSource(
      String name,
      Path file,
      URI url,
      String prefix,
      String server,
      OpenApi.Auth auth,
      Duration refresh) {
    this.name = name;
    this.file = file;
    this.url = url;
    this.prefix = prefix;
    this.server = server;
    this.auth = auth;
    this.refresh = refresh;
    this.client =
        url == null
            ? null
            : HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public synchronized Found discover() throws IOException, InterruptedException {
    try {
      return convert(fetch(true));
    } catch (IOException | RuntimeException e) {
      health = documentHealth = down(e);
      throw e;
    }
  }

  @Override
  public Health health() {
    return health;
  }

  @Override
  public synchronized void watch(Changes changes) {
    if (polling == null && refresh.isPositive()) {
      polling = new Polling("agora-openapi-" + name, refresh, () -> poll(changes));
    }
  }

  private synchronized void poll(Changes changes) {
    Fetched f = null;
    try {
      f = fetch(false);
      if (f == null) {
        health = documentHealth; // unchanged: as usable as when it was last read
        return;
      }
      List<CapabilityManifest> before = List.copyOf(current.values());
      Found found = convert(f);
      found.problems().forEach(p -> changes.problem(this, p));
      changes.diff(this, before, found.manifests());
    } catch (Exception e) {
      health = down(e);
      if (f != null) {
        documentHealth = health; // what was read is unusable, not just unreachable this time
      }
      changes.problem(
          this,
          new DocumentProblem(
              where(), 0, "", "cannot read the OpenAPI document: " + e.getMessage()));
    }
  }

  private Health down(Exception e) {
    return new Health(false, "cannot read " + where() + ": " + e.getMessage());
  }

  private record Fetched(byte[] bytes, Documents.Format format) {}

  /**
   * The document, or null when {@code always} is false and it has not changed since the last read.
   */
  private Fetched fetch(boolean always) throws IOException, InterruptedException {
    byte[] bytes;
    String type;
    if (file != null) {
      bytes = Files.readAllBytes(file);
      type = file.toString().endsWith(".json") ? "json" : "yaml";
    } else {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(url)
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json, application/yaml, text/yaml, */*");
      if (!always && etag != null) {
        b.header("If-None-Match", etag);
      }
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 304) {
        return null;
      }
      if (r.statusCode() != 200) {
        throw new IOException("HTTP " + r.statusCode() + " from " + url);
      }
      etag = r.headers().firstValue("ETag").orElse(null);
      bytes = r.body();
      String ct = r.headers().firstValue("Content-Type").orElse("");
      type = ct.contains("json") || (bytes.length > 0 && bytes[0] == '{') ? "json" : "yaml";
    }
    byte[] hash = hash(bytes, parts);
    if (!always && lastHash != null && MessageDigest.isEqual(hash, lastHash)) {
      return null;
    }
    lastHash = hash;
    return new Fetched(bytes, type.equals("json") ? Documents.Format.JSON : Documents.Format.YAML);
  }

  private Found convert(Fetched f) {
    String text = new String(f.bytes(), StandardCharsets.UTF_8);
    OpenApi.Result r = OpenApi.read(text, f.format(), file, url, server, prefix, auth);
    if (!r.parts().equals(parts)) {
      parts = r.parts();
      lastHash = hash(f.bytes(), parts);
    }
    Dict origin =
        Dict.builder()
            .put("openapi", Value.of(file != null ? file.toString() : withoutQuery(url)))
            .put("sha256", Value.of(Hashes.hex(Hashes.sha256(f.bytes()))))
            .build();
    List<CapabilityManifest> manifests =
        r.manifests().stream().map(m -> m.withProvenance(Provenance.origin(origin))).toList();
    current.clear();
    manifests.forEach(m -> current.put(m.id(), m));
    health = documentHealth = Health.UP;
    return new Found(manifests, r.problems());
  }

  /** A URL for provenance: no query, which may carry a key. */
  static String withoutQuery(URI u) {
    return u.getScheme()
        + "://"
        + u.getRawAuthority()
        + (u.getRawPath() == null ? "" : u.getRawPath());
  }

  private String where() {
    return file != null ? file.toString() : url.toString();
  }

  /** SHA-256 of the document and of the files its references read (a missing one counts too). */
  private static byte[] hash(byte[] document, List<Path> parts) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    sha.update(document);
    for (Path p : parts) {
      sha.update(p.toString().getBytes(StandardCharsets.UTF_8));
      try {
        sha.update(Files.readAllBytes(p));
      } catch (IOException e) {
        sha.update((byte) 0);
      }
    }
    return sha.digest();
  }

  @Override
  public void close() {
    Polling.stop(polling);
    synchronized (this) {
      if (client != null) {
        client.close();
      }
    }
  }
}
