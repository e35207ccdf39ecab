package dev.agora.bench;

import dev.agora.bench.load.Gateway;
import dev.agora.provider.mcp.JavaMcpServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The same MCP {@code tools/call} from the official Java SDK client, (a) straight to an upstream
 * MCP server and (b) through Agora's {@code /mcp}: API key, policy, the caller's context, the
 * tool's JSON Schema on the way in, the call to the upstream over its own MCP session, recording in
 * the Causal Chain. The upstream is a Java SDK server in this JVM (Streamable HTTP on loopback), so
 * the gateway, not the upstream, is what is measured. Also measured, to take the difference apart:
 *
 * <ul>
 *   <li>{@code baselineRawHttpToUpstream} — the same tools/call as a hand-made JSON-RPC POST from
 *       the JDK's HttpClient on an initialized session: the upstream and loopback HTTP without the
 *       SDK client;
 *   <li>{@code viaAgoraLocalTool} — a client to Agora's /mcp calling a built-in capability: the
 *       gateway without the second MCP hop;
 *   <li>{@code viaAgoraSqlite} — (b) with the chain on SQLite, durable (an fsync per commit group),
 *       the default deployment; the other Agora figures record to the in-memory chain.
 * </ul>
 *
 * Each benchmark thread has its own client session to each endpoint.
 *
 * <p>Run: {@code ./build bench McpGatewayBenchmark -bm sample -t 1} (latency p50/p99) and {@code
 * ./build bench McpGatewayBenchmark -bm thrpt -t 8} (throughput with 8 concurrent clients).
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(
    iterations = 6,
    time = 5) // the SDK, Jetty and reactor paths take ~30 s to reach full speed here
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class McpGatewayBenchmark {

  /** The upstream and two Agora nodes serving /mcp in front of it, one per chain store. */
  @State(Scope.Benchmark)
  public static class Endpoints {
    JavaMcpServer upstream;
    final List<AutoCloseable> open = new ArrayList<>();
    String agoraMemory;
    String agoraSqlite;

    @Setup(Level.Trial)
    public void start() throws IOException {
      upstream = new JavaMcpServer();
      Path dir = Files.createTempDirectory("agora-mcp-bench");
      agoraMemory = gateway(dir.resolve("memory"), "storage: {type: memory}");
      agoraSqlite =
          gateway(dir.resolve("sqlite"), "storage: {type: sqlite}\nchain: {durability: durable}");
    }

    private String gateway(Path dir, String storage) throws IOException {
      return Gateway.start(dir, upstream.url(), storage, open);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      for (AutoCloseable c : open) {
        c.close();
      }
      upstream.close();
    }
  }

  /** One client session per benchmark thread to each endpoint. */
  @State(Scope.Thread)
  public static class Clients {
    McpSyncClient direct;
    McpSyncClient agora;
    McpSyncClient agoraSqlite;
    final List<McpSyncClient> all = new ArrayList<>();
    HttpClient raw;
    HttpRequest rawCall;

    @Setup(Level.Trial)
    public void connect(Endpoints e) throws IOException, InterruptedException {
      direct = client(e.upstream.url(), null);
      agora = client(e.agoraMemory, KEY);
      agoraSqlite = client(e.agoraSqlite, KEY);
      raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI up = URI.create(e.upstream.url());
      HttpResponse<String> init =
          raw.send(
              post(
                  up,
                  null,
                  """
          {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18",
           "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}"""),
              HttpResponse.BodyHandlers.ofString());
      String session =
          init.headers()
              .firstValue("Mcp-Session-Id")
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no session: " + init.statusCode() + " " + init.body()));
      raw.send(
          post(
              up,
              session,
              """
          {"jsonrpc": "2.0", "method": "notifications/initialized"}"""),
          HttpResponse.BodyHandlers.discarding());
      rawCall =
          post(
              up,
              session,
              """
          {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "echo", "arguments": {"message": "hello"}}}""");
    }

    private static HttpRequest post(URI uri, String session, String json) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .header("Accept", "application/json, text/event-stream")
              .POST(HttpRequest.BodyPublishers.ofString(json));
      if (session != null) {
        b.header("Mcp-Session-Id", session);
      }
      return b.build();
    }

    private McpSyncClient client(String url, String key) {
      McpSyncClient c = Gateway.client(url, key);
      all.add(c);
      return c;
    }

    @TearDown(Level.Trial)
    public void close() {
      all.forEach(McpSyncClient::closeGracefully);
    }
  }

  static final String KEY = Gateway.KEY;
  static final McpSchema.CallToolRequest UPSTREAM_ECHO = Gateway.UPSTREAM_ECHO;
  static final McpSchema.CallToolRequest GATEWAY_ECHO = Gateway.GATEWAY_ECHO;
  static final McpSchema.CallToolRequest LOCAL_ECHO = Gateway.LOCAL_ECHO;

  @Benchmark
  public McpSchema.CallToolResult baselineDirectToUpstream(Clients c) {
    return check(c.direct.callTool(UPSTREAM_ECHO));
  }

  @Benchmark
  public String baselineRawHttpToUpstream(Clients c) throws IOException, InterruptedException {
    HttpResponse<String> r = c.raw.send(c.rawCall, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200 || !r.body().contains("\"text\":\"hello\"")) {
      throw new IllegalStateException("the raw call failed: " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  @Benchmark
  public McpSchema.CallToolResult viaAgora(Clients c) {
    return check(c.agora.callTool(GATEWAY_ECHO));
  }

  @Benchmark
  public McpSchema.CallToolResult viaAgoraLocalTool(Clients c) {
    return check(c.agora.callTool(LOCAL_ECHO));
  }

  @Benchmark
  public McpSchema.CallToolResult viaAgoraSqlite(Clients c) {
    return check(c.agoraSqlite.callTool(GATEWAY_ECHO));
  }

  private static McpSchema.CallToolResult check(McpSchema.CallToolResult r) {
    return Gateway.check(r);
  }
}
