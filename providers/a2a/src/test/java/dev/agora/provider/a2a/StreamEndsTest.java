package dev.agora.provider.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How an agent's event stream ends, or does not, told by a raw loopback socket (nothing else can be
 * made to stop midway or go on talking): a stream that goes on after its answer, one cut off
 * mid-event, and an agent that never answers at all — each call recorded once.
 */
@Timeout(60)
class StreamEndsTest {

  static final String ANSWER =
      "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"message\":{\"messageId\":\"m\","
          + "\"role\":\"ROLE_AGENT\",\"parts\":[{\"text\":\"ok\"}]}}}\n\n";

  @TempDir Path dir;
  ServerSocket server;
  Marketplace market;
  final MemorySink sink = new MemorySink(10_000);

  /** Each call, however it ended, is recorded once: one call and one result. */
  @AfterEach
  void recordedOnce() {
    if (market == null) {
      return; // the test failed before it had a node: that failure is the one to see
    }
    for (EventType t : List.of(EventType.CapabilityCall, EventType.CapabilityResult)) {
      assertThat(sink.events(t).stream().filter(e -> "a2a.e.go".equals(e.capabilityId())))
          .as(t.name())
          .hasSize(1);
    }
  }

  @AfterEach
  void stop() throws IOException {
    if (market != null) {
      market.close();
      market.config().sources().forEach(s -> s.close());
    }
    if (server != null) {
      server.close();
    }
  }

  /**
   * Serves a streaming card, and {@code stream} gets each message's socket (its request read) to
   * answer as it likes; returns the node calling it.
   */
  void agent(BiConsumer<Socket, OutputStream> stream) throws Exception {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    String base = "http://127.0.0.1:" + server.getLocalPort();
    String card = A2aEdgesTest.card(base + "/rpc", "1.0", true);
    Thread.ofVirtual()
        .start(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  Thread.ofVirtual().start(() -> answer(s, card, stream));
                } catch (IOException closed) {
                  return;
                }
              }
            });
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(
        cfg,
        """
        sources:
          - {name: e, type: a2a, url: "%s"}
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        """
            .formatted(base));
    AgoraConfig c = ConfigLoader.load(cfg).withStorage(AgoraConfig.Storage.MEMORY);
    market = Marketplace.builder().config(c).sink(sink).log(l -> {}).build();
    assertThat(market.bootstrap().getFirst().failure()).isNull();
  }

  /** Reads requests off {@code s}: the card is answered whole, a message is {@code stream}'s. */
  private static void answer(Socket s, String card, BiConsumer<Socket, OutputStream> stream) {
    try (s) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      while (true) {
        String first = in.readLine();
        if (first == null) {
          return;
        }
        int length = 0;
        for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
          if (h.toLowerCase().startsWith("content-length:")) {
            length = Integer.parseInt(h.substring(15).strip());
          }
        }
        in.skip(length); // ASCII JSON: one char a byte
        if (first.startsWith("GET /.well-known/agent-card.json")) {
          byte[] body = card.getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(body);
          out.flush();
        } else if (first.startsWith("POST /rpc")) {
          stream.accept(s, out);
          return;
        } else {
          out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes());
          out.flush();
        }
      }
    } catch (IOException gone) {
      // the client went away
    }
  }

  static void chunk(OutputStream out, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  static final String STREAM_HEAD =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

  Value call(Duration timeout) {
    return market.call(
        CallRequest.of("a2a.e.go", Reader.readValue("{:text \"x\"}"), SecurityContext.full("t"))
            .withTimeout(timeout));
  }

  @Test
  void aStreamThatGoesOnAfterItsAnswerIsClosedByAgoraAfterTheCallHasIt() throws Exception {
    CompletableFuture<String> closed = new CompletableFuture<>();
    agent(
        (s, out) -> {
          try {
            out.write(STREAM_HEAD.getBytes(StandardCharsets.US_ASCII));
            chunk(out, ANSWER + "data: {\"more\":1}\n\n"); // an event after the answer
            while (true) { // comments, until Agora hangs up
              chunk(out, ": still here\n".repeat(64));
            }
          } catch (IOException e) {
            closed.complete("hung up");
          }
        });
    assertThat(Json.write(call(Duration.ofSeconds(10)))).contains("\"text\":\"ok\"");
    assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo("hung up");
  }

  @Test
  void aStreamCutOffMidEventIsATransientProviderError() throws Exception {
    agent(
        (s, out) -> {
          try {
            out.write(STREAM_HEAD.getBytes(StandardCharsets.US_ASCII));
            chunk(out, "data: {\"jsonrpc\":");
          } catch (IOException e) {
            // gone: so are we
          }
        }); // the socket closes with the chunk unfinished
    assertThatThrownBy(() -> call(Duration.ofSeconds(10)))
        .isInstanceOf(AgoraError.ProviderError.class)
        // the break is seen either by the stream's reader or, when it comes before the JDK has
        // handed the response over, by the request itself: either way the connection's failure
        .hasMessageMatching("(?s).*(the agent's event stream broke|chunked transfer encoding).*")
        .satisfies(e -> assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue());
  }

  @Test
  void aStreamThatEndsInTheMiddleOfAnEventIsATransientProviderError() throws Exception {
    agent(
        (s, out) -> {
          try {
            out.write(STREAM_HEAD.getBytes(StandardCharsets.US_ASCII));
            chunk(out, "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n"); // no blank line
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // a clean end
            out.flush();
            s.getInputStream().read(); // until Agora hangs up
          } catch (IOException e) {
            // gone
          }
        });
    assertThatThrownBy(() -> call(Duration.ofSeconds(10)))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("the agent's event stream broke: it ended in the middle of an event")
        .satisfies(e -> assertThat(((AgoraError.ProviderError) e).isTransient()).isTrue());
  }

  @Test
  void anAgentThatNeverAnswersIsATimeout() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    agent((s, out) -> release.join()); // reads the message, says nothing
    try {
      assertThatThrownBy(() -> call(Duration.ofMillis(300))).isInstanceOf(AgoraError.Timeout.class);
    } finally {
      release.complete(null);
    }
  }
}
