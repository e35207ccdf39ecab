package dev.agora.provider.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback server that answers every connection with the same bytes — whatever they are — once it
 * has read the request's head, then closes it: an upstream that does not speak HTTP, or stops in
 * the middle of a body.
 */
final class RawServer implements AutoCloseable {

  private final ServerSocket socket;
  private final Thread loop;

  RawServer(String answer) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
    loop =
        Thread.ofVirtual()
            .start(
                () -> {
                  while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                      readHead(s.getInputStream());
                      s.getOutputStream().write(bytes);
                      s.getOutputStream().flush();
                    } catch (IOException e) {
                      // closed, or the client went away
                    }
                  }
                });
  }

  String url() {
    return "http://127.0.0.1:" + socket.getLocalPort();
  }

  /** Reads up to the blank line that ends a request's head. */
  private static void readHead(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b = in.read(); b >= 0; b = in.read()) {
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == end.length) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    loop.interrupt();
  }
}
