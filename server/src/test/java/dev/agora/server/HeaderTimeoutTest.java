package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.header_timeout} (issue 12: 200 slow connections stayed open forever): connections
 * that send part of a request line or of the headers, or trickle them, are closed by the server.
 * Each socket reads until the server closes it; a socket timeout far above the configured one is
 * only a safety net, and hitting it fails the test.
 */
@Timeout(120)
class HeaderTimeoutTest {

  private static final int SAFETY_NET_MILLIS = 20_000;

  @Test
  void connectionsThatDoNotFinishTheirHeadersAreClosed(@TempDir Path dir) throws Exception {
    try (BareGateway g = BareGateway.start(dir, "k", "", "  header_timeout: 1s", l -> {})) {
      int port = g.server().port();
      List<String> partial = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        partial.add(
            switch (i % 4) {
              case 0 -> ""; // connected, nothing sent
              case 1 -> "POST /mc"; // half a request line
              case 2 -> "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"; // no blank line
              default -> "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: aaaa";
            });
      }
      List<Socket> sockets = new ArrayList<>();
      try {
        for (String p : partial) {
          Socket s = new Socket("127.0.0.1", port);
          s.setSoTimeout(SAFETY_NET_MILLIS);
          s.getOutputStream().write(p.getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          sockets.add(s);
        }
        // one more trickles a header a byte at a time, which an idle timeout never ends
        Socket trickle = new Socket("127.0.0.1", port);
        trickle.setSoTimeout(SAFETY_NET_MILLIS);
        sockets.add(trickle);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> trickle(trickle, port));
        for (Socket s : sockets) {
          assertThat(readsToTheEnd(s.getInputStream())).as("closed by the server").isTrue();
        }
        writer.get(SAFETY_NET_MILLIS, TimeUnit.MILLISECONDS);
      } finally {
        for (Socket s : sockets) {
          s.close();
        }
      }
      // the server still answers a request sent at once
      McpHttp.Raw ok = McpHttp.raw(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port, "");
      assertThat(ok.status()).isEqualTo(200);
    }
  }

  /** Writes a header byte by byte, pausing between bytes, until the server closes the socket. */
  private static void trickle(Socket s, int port) {
    byte[] head =
        ("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Slow: " + "a".repeat(10_000))
            .getBytes(StandardCharsets.US_ASCII);
    try {
      OutputStream out = s.getOutputStream();
      for (byte b : head) {
        out.write(b);
        out.flush();
        Thread.sleep(100); // the pace of the attack, not synchronisation
      }
    } catch (IOException | InterruptedException e) {
      // closed by the server: what the test waits for
    }
  }

  /** True when the stream ends (the server closed), false when the safety net ran out. */
  private static boolean readsToTheEnd(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // whatever the server sends before closing (Jetty may answer 408 or 400) is fine
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server: closed too
    }
  }
}
