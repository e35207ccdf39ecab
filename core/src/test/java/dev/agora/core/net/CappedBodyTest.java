package dev.agora.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bodies within the cap arrive whole; past it they are refused, declared or not. */
class CappedBodyTest {

  private static HttpServer server;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          int n = Integer.parseInt(x.getRequestURI().getQuery().split("=")[1]);
          boolean chunked = x.getRequestURI().getPath().equals("/chunked");
          x.sendResponseHeaders(200, chunked ? 0 : n);
          try (OutputStream out = x.getResponseBody()) {
            for (int i = 0; i < n; i += 1000) {
              out.write(new byte[Math.min(1000, n - i)]);
              out.flush();
            }
          } catch (java.io.IOException gone) {
            // the client stopped reading past the cap
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static byte[] get(String path, long max) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    return HTTP.sendAsync(HttpRequest.newBuilder(uri).build(), CappedBody.handler(max))
        .get()
        .body();
  }

  @Test
  void bodiesWithinTheCapArriveWholeWithOrWithoutALength() throws Exception {
    assertThat(get("/fixed?n=5000", 5000)).hasSize(5000);
    assertThat(get("/chunked?n=5000", 5000)).hasSize(5000);
    assertThat(get("/chunked?n=0", 10)).isEmpty();
  }

  @Test
  void anUndeclaredLengthStopsAtTheCap() {
    assertThatThrownBy(() -> get("/chunked?n=50000", 5000))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CappedBody.TooLarge.class);
  }

  @Test
  void aDeclaredLengthPastTheCapGivesNoBody() throws Exception {
    assertThat(get("/fixed?n=5001", 5000)).isNull();
  }
}
