package dev.agora.provider.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on 127.0.0.1 (the JDK's) with faults on request: slow answers, 500s, malformed
 * and oversized bodies, redirects; plus a port that resets every connection. It records what it
 * received, so tests can check what was sent (and that secrets went only where they belong).
 */
final class TestServer implements AutoCloseable {

  /** One received request: method, path with query, headers (lower-case names), body. */
  record Received(String method, String uri, Map<String, List<String>> headers, String body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.getFirst();
    }
  }

  final HttpServer server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  /** Released once per 304 answered at /openapi.yaml: tests wait on it for unchanged polls. */
  final Semaphore notModified = new Semaphore(0);

  /**
   * The document served at /openapi.yaml (with an ETag of its hash; 304 when the client has it).
   */
  volatile String openapi = "openapi: 3.0.3\npaths: {}\n";

  /** Released by tests to let a slow answer go. */
  final CountDownLatch release = new CountDownLatch(1);

  private final ServerSocket resetter;
  private final Thread resetLoop;

  TestServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
    resetter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    resetLoop =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!resetter.isClosed()) {
                    try (Socket s = resetter.accept()) {
                      s.setSoLinger(true, 0); // close with RST: "connection reset" on the client
                      s.getInputStream().read();
                    } catch (IOException e) {
                      // closed
                    }
                  }
                });
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  String resetUrl() {
    return "http://127.0.0.1:" + resetter.getLocalPort() + "/";
  }

  int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange x) throws IOException {
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new HashMap<>();
    x.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    received.add(new Received(x.getRequestMethod(), x.getRequestURI().toString(), headers, body));
    String path = x.getRequestURI().getPath();
    int n = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    switch (path.startsWith("/echo/") ? "/echo" : path) {
      case "/echo" ->
          json(
              x,
              200,
              "{\"method\":\""
                  + x.getRequestMethod()
                  + "\",\"uri\":"
                  + quote(x.getRequestURI().toString())
                  + ",\"body\":"
                  + (body.isEmpty() ? "null" : body)
                  + "}");
      case "/echo-headers" -> { // a careless upstream: everything it was sent comes back, even as a
        // map key
        String auth = String.valueOf(x.getRequestHeaders().getFirst("Authorization"));
        String key = String.valueOf(x.getRequestHeaders().getFirst("X-Api-Key"));
        json(
            x,
            200,
            "{\"authorization\":"
                + quote(auth)
                + ",\"key\":"
                + quote(key)
                + ",\"uri\":"
                + quote(x.getRequestURI().toString())
                + ",\"seen\":{"
                + quote(auth)
                + ":true},\"b64\":"
                + quote(
                    Base64.getEncoder()
                        .encodeToString(
                            auth.replaceFirst("^Bearer ", "").getBytes(StandardCharsets.UTF_8)))
                + ",\"nested\":[["
                + quote(key)
                + "]]}");
      }
      case "/text" -> send(x, 200, "text/plain; charset=utf-8", "plain words");
      case "/empty" -> {
        x.sendResponseHeaders(204, -1);
        x.close();
      }
      case "/binary" -> send(x, 200, "application/octet-stream", "\u0000\u0001");
      case "/garbage" -> send(x, 200, "application/json", "{\"half\": [1, 2");
      case "/huge" -> send(x, 200, "application/json", "[" + "1,".repeat(600_000) + "1]");
      case "/huge-chunked" -> { // no Content-Length: the cap is found while reading
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, 0);
        try (OutputStream out = x.getResponseBody()) {
          out.write(("[" + "1,".repeat(600_000) + "1]").getBytes(StandardCharsets.UTF_8));
        } catch (IOException closedByTheClient) {
          // expected: the client stops reading at its cap
        }
      }
      case "/fail" -> json(x, 500, "{\"error\":\"boom\"}");
      case "/flaky" -> { // fails twice, then answers
        if (n <= 2) {
          json(x, 503, "{\"error\":\"try later\"}");
        } else {
          json(x, 200, "{\"ok\":true,\"attempt\":" + n + "}");
        }
      }
      case "/openapi.yaml" -> {
        String doc = openapi;
        String etag = "\"" + Integer.toHexString(doc.hashCode()) + "\"";
        x.getResponseHeaders().add("ETag", etag);
        if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
          x.sendResponseHeaders(304, -1);
          x.close();
          notModified.release();
        } else {
          send(x, 200, "application/yaml", doc);
        }
      }
      case "/unavailable" -> json(x, 503, "{\"error\":\"down for maintenance\"}");
      case "/missing" -> json(x, 404, "{\"error\":\"no such thing\"}");
      case "/echo-auth" ->
          json(
              x,
              401,
              "{\"error\":\"bad token " + x.getRequestHeaders().getFirst("Authorization") + "\"}");
      case "/drip" -> { // headers and a first piece at once, then the rest never comes (until the
        // test ends)
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(200, 100);
        OutputStream out = x.getResponseBody();
        out.write("[1, 2, 3".getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        x.close();
      }
      case "/slow" -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        json(x, 200, "{\"slow\":true}");
      }
      default -> {
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        if (path.startsWith("/redirect")) { // /redirect?to=<url>&status=<code> (no to: no Location)
          if (q.containsKey("to")) {
            x.getResponseHeaders()
                .add("Location", URLDecoder.decode(q.get("to"), StandardCharsets.UTF_8));
          }
          x.sendResponseHeaders(Integer.parseInt(q.getOrDefault("status", "302")), -1);
          x.close();
        } else if (path.equals("/loop")) { // redirects to itself, forever
          x.getResponseHeaders().add("Location", "/loop");
          x.sendResponseHeaders(302, -1);
          x.close();
        } else if (path.equals(
            "/status")) { // /status?code=<code>&len=<length of a body of e>&type=<Content-Type |
          // none>
          int len = Integer.parseInt(q.getOrDefault("len", "0"));
          if (len == 0) {
            x.sendResponseHeaders(Integer.parseInt(q.get("code")), -1);
            x.close();
          } else {
            String type = q.getOrDefault("type", "text/plain");
            if (!type.equals("none")) {
              x.getResponseHeaders()
                  .add("Content-Type", URLDecoder.decode(type, StandardCharsets.UTF_8));
            }
            byte[] bytes = "e".repeat(len).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(Integer.parseInt(q.get("code")), bytes.length);
            try (OutputStream out = x.getResponseBody()) {
              out.write(bytes);
            }
          }
        } else {
          json(x, 404, "{\"error\":\"unknown path\"}");
        }
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static void json(HttpExchange x, int status, String body) throws IOException {
    send(x, status, "application/json", body);
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() throws IOException {
    release.countDown();
    server.stop(0);
    resetter.close();
    resetLoop.interrupt();
  }
}
