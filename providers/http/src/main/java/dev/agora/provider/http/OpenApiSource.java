package dev.agora.provider.http;

import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.DiscoverySource;
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
 * every {@code refresh}: a document whose bytes changed is converted again and the registry is told
 * what appeared, changed and went away (a URL is asked with If-None-Match, so an unchanged document
 * costs a 304). A document that cannot be read keeps the capabilities it had and makes the source's
 * health DOWN, saying why.
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
  private volatile String etag;
  private volatile byte[] lastHash;
  private final Map<String, CapabilityManifest> current = new HashMap<>();
  private Polling polling;

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
    Fetched f = fetch(true);
    return convert(f);
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
    try {
      Fetched f = fetch(false);
      if (f == null) {
        return; // unchanged
      }
      List<CapabilityManifest> before = List.copyOf(current.values());
      Found found = convert(f);
      found.problems().forEach(p -> changes.problem(this, p));
      changes.diff(this, before, found.manifests());
    } catch (Exception e) {
      health = new Health(false, "cannot read " + where() + ": " + e.getMessage());
      changes.problem(
          this,
          new DocumentProblem(
              where(), 0, "", "cannot read the OpenAPI document: " + e.getMessage()));
    }
  }

  private record Fetched(Value root) {}

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
        health = Health.UP;
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
    byte[] hash = sha256(bytes);
    health = Health.UP;
    if (!always && lastHash != null && MessageDigest.isEqual(hash, lastHash)) {
      return null;
    }
    lastHash = hash;
    String text = new String(bytes, StandardCharsets.UTF_8);
    return new Fetched(
        Documents.parse(
                text, where(), type.equals("json") ? Documents.Format.JSON : Documents.Format.YAML)
            .root());
  }

  private Found convert(Fetched f) {
    OpenApi.Result r = OpenApi.convert(f.root(), where(), url, server, prefix, auth);
    current.clear();
    r.manifests().forEach(m -> current.put(m.id(), m));
    return new Found(r.manifests(), r.problems());
  }

  private String where() {
    return file != null ? file.toString() : url.toString();
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public synchronized void close() {
    if (polling != null) {
      polling.close();
    }
    if (client != null) {
      client.close();
    }
  }
}
