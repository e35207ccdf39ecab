package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * MCP Streamable HTTP spoken by hand to a server under test, as a client sending {@code headers}
 * (its credentials, an Origin): the requests a well-behaved client sends, sessions, and raw bytes
 * on a socket for what the JDK client will not send (a foreign Host, no Host, a Content-Length
 * without the body).
 */
record McpHttp(String url, Map<String, String> headers) {

  /** A client with an API key (X-API-Key). */
  static McpHttp withKey(String url, String key) {
    return new McpHttp(url, Map.of("X-API-Key", key));
  }

  static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static final String INITIALIZE =
      "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";

  static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  /** A tools/call of {@code tool} with no arguments. */
  /** A JSON-RPC request: {@code params} is JSON text. */
  static String request(int id, String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\""
        + method
        + "\",\"params\":"
        + params
        + "}";
  }

  static String call(String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":{}}}";
  }

  /** A request to the endpoint as a client sends it, in {@code session} unless that is null. */
  HttpRequest.Builder request(String session) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2025-06-18");
    headers.forEach(b::header);
    if (session != null) {
      b.header("Mcp-Session-Id", session);
    }
    return b;
  }

  HttpResponse<String> post(String body, String session) {
    return send(request(session).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A new session: initialize, then the initialized notification; returns its Mcp-Session-Id. */
  String initialise() {
    HttpResponse<String> r = post(INITIALIZE, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String session = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(post(INITIALIZED, session).statusCode()).isEqualTo(202);
    return session;
  }

  /** An answer read off a socket: its status, its header lines and its body. */
  record Raw(int status, String head, String body) {}

  /**
   * A POST to /mcp on a new connection to {@code port} with the operator's API key, {@code framing}
   * (a Content-Length or Transfer-Encoding header line) and {@code body} as given, answer read
   * whole.
   */
  static Raw rawPost(int port, String framing, String body) throws IOException {
    return raw(
        port,
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream"
            + "\r\nX-API-Key: "
            + GatewayFixture.OPS_KEY
            + "\r\n"
            + framing,
        body);
  }

  /**
   * Writes {@code head} (request line and headers, without the blank line) and {@code body} on a
   * new connection to {@code port} and reads the whole answer.
   */
  static Raw raw(int port, String head, String body) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream()
          .write((head + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int end = answer.indexOf("\r\n\r\n");
      return new Raw(
          Integer.parseInt(answer.substring(9, 12)),
          answer.substring(0, end),
          answer.substring(end + 4));
    }
  }
}
