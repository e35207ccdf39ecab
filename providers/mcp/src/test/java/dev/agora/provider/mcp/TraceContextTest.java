package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C trace context to 2025-11-25 MCP servers (issue 17): with tracing on, a tools/call carries the
 * call's trace in {@code _meta} ({@code traceparent}) — over stdio the only way — and over HTTP in
 * the {@code traceparent} header as well; with tracing off, neither. The trace id is the one the
 * Causal Chain records for the call.
 */
@Timeout(120)
class TraceContextTest {

  @TempDir Path dir;

  /** Where the spans go: a loopback receiver that takes them and drops them. */
  static HttpServer collector;

  /** Tracing on, spans sent to the collector. */
  static String tracing;

  @BeforeAll
  static void startCollector() throws IOException {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        x -> {
          x.getRequestBody().readAllBytes();
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    collector.start();
    tracing =
        "telemetry: {traces: otlp, endpoint: \"http://127.0.0.1:%d/v1/traces\"}\n"
            .formatted(collector.getAddress().getPort());
  }

  @AfterAll
  static void stopCollector() {
    collector.stop(0);
  }

  static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");

  /** A tool that says what trace headers and _meta its call came with. */
  private static McpServerFeatures.SyncToolSpecification reporting() {
    McpSchema.Tool t =
        McpSchema.Tool.builder("trace", McpJsonDefaults.getMapper(), "{\"type\": \"object\"}")
            .build();
    return new McpServerFeatures.SyncToolSpecification(
        t,
        (exchange, request) ->
            McpSchema.CallToolResult.builder()
                .content(
                    List.of(
                        McpSchema.TextContent.builder(
                                "header="
                                    + exchange.transportContext().get("traceparent")
                                    + " meta="
                                    + (request.meta() == null
                                        ? null
                                        : request.meta().get("traceparent")))
                            .build()))
                .build());
  }

  private static String traceIdOf(McpFixture m, String id) throws InterruptedException {
    Event call = m.awaitEvent(EventType.CapabilityCall, id);
    Value v = call.metadata().get("trace_id");
    return v == null ? null : ((Value.Str) v).value();
  }

  /** A Java SDK server over HTTP whose tool reports the trace context its calls came with. */
  private static JavaMcpServer reportingServer() {
    return new JavaMcpServer(
        r ->
            McpTransportContext.create(
                Map.of("traceparent", String.valueOf(r.getHeader("traceparent")))),
        reporting());
  }

  private McpFixture through(JavaMcpServer server, String more) throws java.io.IOException {
    return new McpFixture(
        dir,
        "sources:\n  - {name: up, type: mcp, url: \"%s\", timeout: 10s}\n".formatted(server.url())
            + more);
  }

  @Test
  void overHttpTheHeaderAndTheMetaCarryTheCallsTrace() throws Exception {
    try (JavaMcpServer server = reportingServer();
        McpFixture m = through(server, tracing)) {
      String text = Printer.print(m.call("mcp.up.trace", "{}"));
      Matcher header = TRACEPARENT.matcher(text.substring(0, text.indexOf(" meta=")));
      Matcher meta = TRACEPARENT.matcher(text.substring(text.indexOf(" meta=")));
      assertThat(header.find()).as(text).isTrue();
      assertThat(meta.find()).as(text).isTrue();
      assertThat(meta.group()).as("one span, one traceparent").isEqualTo(header.group());
      assertThat(traceIdOf(m, "mcp.up.trace")).isEqualTo(header.group(1));
    }
  }

  @Test
  void withTracingOffNothingIsSent() throws Exception {
    try (JavaMcpServer server = reportingServer();
        McpFixture m = through(server, "")) {
      assertThat(Printer.print(m.call("mcp.up.trace", "{}"))).contains("header=null meta=null");
    }
  }

  @Test
  void overStdioTheMetaCarriesTheCallsTraceBesideTheProgressToken() throws Exception {
    String scenario =
        """
        {"init": {"capabilities": {"tools": {}}},
         "replies": {
           "tools/list": {"result": {"tools": [{"name": "echo", "inputSchema": {"type": "object"}}]}},
           "tools/call:echo": {"echo": true}}}
        """;
    try (McpFixture m =
        new McpFixture(dir, "sources:\n" + Scripted.source(dir, "s", scenario, "") + tracing)) {
      String params = Printer.print(m.call("mcp.s.echo", "{:x 1}"));
      Matcher tp =
          Pattern.compile("traceparent\\\\?\":\\\\?\"(" + TRACEPARENT.pattern() + ")")
              .matcher(params);
      assertThat(tp.find()).as(params).isTrue();
      assertThat(params).contains("progressToken");
      assertThat(tp.group(1)).contains(traceIdOf(m, "mcp.s.echo"));
    }
  }
}
