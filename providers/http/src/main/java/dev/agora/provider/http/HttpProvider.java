package dev.agora.provider.http;

import dev.agora.core.call.policy.Egress;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.net.CappedBody;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Provider;
import dev.agora.core.spi.Redactor;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Executes {@code provider: {type: http, …}} capabilities (the section is described in {@link
 * HttpEndpoint}) with one shared HTTP client: pooled keep-alive connections, HTTP/2 where the
 * server offers it. Every target — the first and each redirect hop, followed by hand — passes the
 * policy's egress guard after DNS resolution.
 *
 * <p>Outcomes: 2xx → the body as a value (JSON by Content-Type, text for {@code text/*}, nil when
 * empty); 408, 429 and 5xx, refused or reset connections, unresolvable hosts → transient
 * ProviderErrors (retried when the capability is idempotent; the provider's {@link
 * dev.agora.core.error.Fault fault}, counted by the circuit breaker); other 4xx → ProviderErrors
 * the caller must fix ({@code refused}: the caller's fault, never counted); 3xx without a target →
 * non-transient ProviderErrors; a body larger than the cap, of an unexpected type, or not the JSON
 * it claims to be → a ProviderError saying so. Messages name method, host and path, never the query
 * string, headers or secrets.
 */
public final class HttpProvider implements Provider {

  static final int MAX_REDIRECTS = 5;
  private static final int SNIPPET = 200;

  /**
   * Made at the first call, not when the provider is loaded: building it sets up TLS (the JDK reads
   * its trust store), ~0.1–0.3 s that a command calling no HTTP capability (`agora caps list`)
   * should not spend at start.
   */
  private volatile HttpClient client;

  /** Each capability's section, read once: id → the spec it was read from and the result. */
  private final Map<String, Parsed> endpoints = new ConcurrentHashMap<>();

  private final UnaryOperator<String> environment;
  private volatile Consumer<String> log = line -> {};

  public HttpProvider() {
    this(System::getenv);
  }

  /** With another source of environment variables (tests). */
  HttpProvider(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /** The shared client, made at the first request (no lock once it exists: every call asks). */
  private HttpClient client() {
    HttpClient c = client;
    return c != null ? c : made();
  }

  private synchronized HttpClient made() {
    if (client == null) {
      client =
          HttpClient.newBuilder()
              .followRedirects(
                  HttpClient.Redirect.NEVER) // followed by hand, each hop through the egress guard
              .connectTimeout(Duration.ofSeconds(10))
              // The client's own completion stages and the body subscribers (the JDK's, or
              // CappedBody) never block, so they run on the client's I/O thread instead of being
              // handed to a pool: one thread hand-over less per call.
              .executor(Runnable::run)
              .build();
    }
    return client;
  }

  @Override
  public String type() {
    return "http";
  }

  @Override
  public void start(Consumer<String> l) {
    this.log = l;
  }

  /** Every exchange is bounded by the call's deadline here, so calls need no watching thread. */
  @Override
  public boolean keepsDeadline(CapabilityManifest manifest) {
    return true;
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws InterruptedException {
    String id = manifest.id();
    HttpEndpoint e;
    Redactor[] carried = {Redactor.NONE};
    HttpRequest request;
    try {
      e = endpoint(manifest);
      request =
          Requests.build(
              e, input, environment, (name, value) -> carried[0] = carried[0].with(name, value));
    } catch (HttpEndpoint.Invalid x) {
      throw new AgoraError.ProviderError(id, x.getMessage(), null);
    } catch (IllegalArgumentException x) { // the caller's arguments make no valid request
      throw AgoraError.ProviderError.refused(
          id, "cannot build the request: " + x.getMessage(), null);
    }
    Redactor secrets = carried[0];
    call.usedSecrets(
        secrets); // the call path takes them out of whatever this call returns or throws
    try {
      return send(id, e, request, call, secrets);
    } catch (TimeoutException x) {
      throw new AgoraError.Timeout(id, call.timeout());
    } catch (IOException x) {
      throw AgoraError.ProviderError.transientFailure(
          id,
          e.method() + " " + Egress.safe(request.uri()) + ": " + secrets.redact(describe(x)),
          null);
    }
  }

  private record Parsed(ProviderSpec spec, HttpEndpoint endpoint) {}

  private HttpEndpoint endpoint(CapabilityManifest m) {
    Parsed p =
        endpoints.get(
            m.id()); // by id: nothing allocated per call; another version or a new manifest
    // reads again
    if (p == null || p.spec() != m.provider()) {
      p = new Parsed(m.provider(), HttpEndpoint.of((ProviderSpec.Http) m.provider()));
      endpoints.put(m.id(), p);
    }
    return p.endpoint();
  }

  private Value send(
      String id, HttpEndpoint e, HttpRequest first, CallContext call, Redactor secrets)
      throws IOException, InterruptedException, TimeoutException {
    HttpRequest request = first;
    for (int hop = 0; ; hop++) {
      call.egress().check(id, request.uri());
      HttpResponse<byte[]> r = exchange(id, request, e.maxBytes(), call.remaining());
      int status = r.statusCode();
      if (status >= 300 && status < 400 && status != 304) {
        String location = r.headers().firstValue("Location").orElse(null);
        if (location == null) {
          throw new AgoraError.ProviderError(
              id,
              "HTTP " + status + " from " + where(request) + " without a Location to follow",
              null);
        }
        if (hop == MAX_REDIRECTS) {
          throw new AgoraError.ProviderError(
              id, "more than " + MAX_REDIRECTS + " redirects from " + where(first), null);
        }
        request = Requests.redirect(request, request.uri().resolve(location), status, e.auth());
        continue;
      }
      String where = where(request);
      byte[] body = r.body();
      if (body == null) { // Content-Length said more than the cap: not read at all
        throw tooLarge(id, where, e.maxBytes());
      }
      if (status >= 200 && status < 300) {
        return Responses.decode(id, e, r, body, where);
      }
      String message = "HTTP " + status + " from " + where + snippet(body, secrets);
      if (status == 408 || status == 429 || status >= 500) {
        throw AgoraError.ProviderError.transientFailure(id, message, null);
      }
      // Any other 4xx: the upstream refused what this caller sent. The caller's fault, never the
      // provider's, so it cannot open the circuit for everyone (issue 12).
      throw AgoraError.ProviderError.refused(id, message, null);
    }
  }

  /**
   * One request and its whole (capped) body, within {@code remaining}; at the deadline the exchange
   * is cancelled. (No per-request timeout: the client would arm a timer for each request.)
   */
  private HttpResponse<byte[]> exchange(
      String id, HttpRequest request, long max, Duration remaining)
      throws IOException, InterruptedException, TimeoutException {
    CompletableFuture<HttpResponse<byte[]>> f =
        client().sendAsync(request, CappedBody.handler(max));
    try {
      return f.get(Math.max(1, remaining.toNanos()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException x) {
      Throwable c = x.getCause();
      if (c instanceof CappedBody.TooLarge) {
        throw tooLarge(id, where(request), max);
      }
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c);
    } catch (TimeoutException | InterruptedException x) {
      f.cancel(true);
      throw x;
    }
  }

  /** Not counted against the provider: what a caller asks for decides how large the answer is. */
  private static AgoraError tooLarge(String id, String where, long max) {
    return AgoraError.ProviderError.refused(
        id,
        "the response from " + where + " is larger than " + max + " bytes (response.max_bytes)",
        null);
  }

  private static String where(HttpRequest r) {
    return r.method() + " " + Egress.safe(r.uri());
  }

  private static String snippet(byte[] body, Redactor secrets) {
    if (body.length == 0) {
      return "";
    }
    String s = new String(body, 0, Math.min(body.length, SNIPPET), StandardCharsets.UTF_8).strip();
    return ": " + secrets.redact(s) + (body.length > SNIPPET ? "…" : "");
  }

  private static String describe(IOException x) {
    String m = x.getMessage();
    return x.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : " (" + m + ")");
  }

  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
    }
  }
}
