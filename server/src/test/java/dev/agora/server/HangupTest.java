package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 2026-07-28 client cancels over HTTP by closing the stream of its request: Agora notices at its
 * next keep-alive write, cancels the call — recorded as cancelled — and the upstream is told
 * ({@code notifications/cancelled} to server-everything).
 */
@Timeout(120)
class HangupTest extends AgainstGateway {

  private static final String TOOL = "mcp.everything.trigger-long-running-operation";

  @Test
  void closingTheStreamCancelsTheCall() throws Exception {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\""
            + TOOL
            + "\",\"arguments\":{\"duration\":60,\"steps\":60},"
            + StatelessHttpTest.META
            + "}}";
    URI url = URI.create(g.url());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket(url.getHost(), url.getPort())) {
      s.setSoLinger(true, 0); // closing resets the connection, as a client that gives up does
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + url.getPath()
                  + " HTTP/1.1\r\nHost: "
                  + url.getHost()
                  + ":"
                  + url.getPort()
                  + "\r\nContent-Type: application/json\r\nAccept: application/json,"
                  + " text/event-stream\r\nAuthorization: Bearer "
                  + GatewayFixture.OPS_KEY
                  + "\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: "
                  + TOOL
                  + "\r\nContent-Length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.write(bytes);
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine())
          .as("after a second the answer becomes an event stream, kept alive")
          .isEqualTo("HTTP/1.1 200 OK");
    }
    assertThat(g.awaitLog("sent notifications/cancelled for call", 30))
        .as(String.join("\n", g.log))
        .isTrue();
    Event result =
        g.awaitEvent(
            e -> e.type() == EventType.CapabilityResult && TOOL.equals(e.capabilityId()), 30);
    assertThat(result).isNotNull();
    assertThat(result.errorKind()).isEqualTo("Cancelled");
    assertThat(Hangups.watched()).isZero();
  }
}
