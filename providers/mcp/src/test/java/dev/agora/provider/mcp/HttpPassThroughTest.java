package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventType;
import dev.agora.core.error.AgoraError;
import dev.agora.core.spi.Downstream;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same pass-through over Streamable HTTP, against a Java SDK server in the test's JVM whose
 * tools do exactly what a test needs: progress and a sampling request in one call, and a call that
 * waits until the caller gives up. (Elicitation is tested against server-everything only: the Java
 * SDK 2.2.0 server cannot write its own elicitation/create — Jackson refuses ElicitFormRequest,
 * whose {@code mode} is both a property and a type id.)
 */
@Timeout(120)
class HttpPassThroughTest {

  @TempDir Path dir;

  /** Released when the test ends, so that the blocked tool lets its server stop. */
  private final CountDownLatch release = new CountDownLatch(1);

  private final CountDownLatch blocked = new CountDownLatch(1);

  private static McpServerFeatures.SyncToolSpecification tool(
      String name, BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, String> handler) {
    McpSchema.Tool t =
        McpSchema.Tool.builder(name, McpJsonDefaults.getMapper(), "{\"type\": \"object\"}").build();
    return new McpServerFeatures.SyncToolSpecification(
        t,
        (exchange, request) ->
            McpSchema.CallToolResult.builder()
                .content(
                    List.of(
                        McpSchema.TextContent.builder(handler.apply(exchange, request)).build()))
                .build());
  }

  private static String work(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
    Object token = request.meta().get("progressToken");
    exchange.progressNotification(new McpSchema.ProgressNotification(token, 1.0, 2.0, "asking"));
    McpSchema.CreateMessageResult sampled =
        exchange.createMessage(
            McpSchema.CreateMessageRequest.builder()
                .messages(
                    List.of(
                        new McpSchema.SamplingMessage(
                            McpSchema.Role.USER, new McpSchema.TextContent("2+2?"))))
                .maxTokens(5)
                .build());
    exchange.progressNotification(new McpSchema.ProgressNotification(token, 2.0, 2.0, "done"));
    return "sampled: " + ((McpSchema.TextContent) sampled.content()).text();
  }

  private String block(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
    blocked.countDown();
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "released";
  }

  private JavaMcpServer server() {
    return new JavaMcpServer(
        request -> McpTransportContext.EMPTY,
        tool("work", HttpPassThroughTest::work),
        tool("block", this::block));
  }

  @Test
  void progressAndSamplingReachTheCallersClient() throws Exception {
    try (JavaMcpServer upstream = server();
        McpFixture m =
            new McpFixture(
                dir, "sources: [{name: java, type: mcp, url: \"" + upstream.url() + "\"}]\n")) {
      Client client =
          new Client(
              Set.of("sampling"),
              params -> {
                assertThat(Printer.print(params)).contains("2+2?");
                return Reader.readValue(
                    "{:role \"assistant\" :content {:type \"text\" :text \"4\"} :model \"m\"}");
              });
      assertThat(m.call("mcp.java.work", "{}", client)).isEqualTo(Value.of("sampled: 4"));
      assertThat(client.progress).containsExactly("1.0/2.0", "2.0/2.0");
      assertThat(client.requests).containsExactly("sampling/createMessage");
      assertThat(
              Printer.print(
                  m.events
                      .events(EventType.CapabilityResult)
                      .getLast()
                      .metadata()
                      .get("mcp-requests")))
          .isEqualTo("[{:method \"sampling/createMessage\" :outcome :answered}]");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aCallerThatGivesUpCancelsTheRequestOnTheServer() throws Exception {
    try (JavaMcpServer upstream = server();
        McpFixture m =
            new McpFixture(
                dir, "sources: [{name: java, type: mcp, url: \"" + upstream.url() + "\"}]\n")) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread caller = m.callOnThread("mcp.java.block", "{}", Downstream.NONE, thrown);
      assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
      caller.interrupt();
      caller.join();
      assertThat(thrown.get()).isInstanceOf(AgoraError.Cancelled.class);
      assertThat(m.awaitLog("sent notifications/cancelled", 10)).as(m.logText()).isTrue();
    } finally {
      release.countDown();
    }
  }
}
