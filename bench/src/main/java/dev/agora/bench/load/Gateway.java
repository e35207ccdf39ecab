package dev.agora.bench.load;

import dev.agora.chain.Hashes;
import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.server.AgoraServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An Agora node serving {@code /mcp} in this JVM in front of one upstream MCP server, as the
 * gateway benchmarks use it: an API key, a policy with deny rules, a controlled context that allows
 * the upstream's tools and {@code ccos.echo}, a rate limit far above what is measured, and the
 * given storage and chain settings.
 */
public final class Gateway {

  /** The API key the benchmark clients present. */
  public static final String KEY = "bench-agent-key";

  /** The upstream's echo, called directly. */
  public static final McpSchema.CallToolRequest UPSTREAM_ECHO =
      McpSchema.CallToolRequest.builder("echo").arguments(Map.of("message", "hello")).build();

  /** The upstream's echo through Agora (source {@code up}). */
  public static final McpSchema.CallToolRequest GATEWAY_ECHO =
      McpSchema.CallToolRequest.builder("mcp.up.echo")
          .arguments(Map.of("message", "hello"))
          .build();

  /** Agora's built-in Java capability: no second MCP hop. */
  public static final McpSchema.CallToolRequest LOCAL_ECHO =
      McpSchema.CallToolRequest.builder("ccos.echo").arguments(Map.of("input", "hello")).build();

  private Gateway() {}

  /**
   * Starts a node in {@code dir} in front of {@code upstreamUrl}; {@code storage} is the YAML of
   * its storage and chain settings. What must be closed is added to the front of {@code open}.
   */
  public static String start(Path dir, String upstreamUrl, String storage, List<AutoCloseable> open)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        sources: [{name: up, type: mcp, url: "%s"}]
        policy: {deny: ["ccos.io.*", "mcp.up.admin.*"]}
        contexts:
          agent: {level: controlled, allow: ["mcp.up.*", "ccos.echo"]}
        default_context: agent
        data_dir: data
        server:
          port: 0
          api_keys: [{name: bench, context: agent, sha256: "%s"}]
          limits: {keys: {bench: {calls_per_second: 1000000, bytes_per_second: 1GiB}}}  # measure the gateway, not its limit
        %s
        """
            .formatted(
                upstreamUrl,
                Hashes.hex(Hashes.sha256(KEY.getBytes(StandardCharsets.UTF_8))),
                storage));
    AgoraConfig cfg = ConfigLoader.load(file);
    AgoraNode node = AgoraNode.open(cfg, EventSink.NONE, line -> {});
    open.addFirst(node);
    node.marketplace().bootstrap();
    AgoraServer server = AgoraServer.start(node, cfg, line -> {});
    open.addFirst(server);
    return server.url();
  }

  /** An initialized Java SDK client (Streamable HTTP) to {@code url}, with the key if not null. */
  public static McpSyncClient client(String url, String key) {
    URI u = URI.create(url);
    HttpRequest.Builder headers = HttpRequest.newBuilder();
    if (key != null) {
      headers.header("Authorization", "Bearer " + key);
    }
    HttpClientStreamableHttpTransport t =
        HttpClientStreamableHttpTransport.builder(u.getScheme() + "://" + u.getAuthority())
            .endpoint(u.getPath())
            .requestBuilder(headers)
            .build();
    McpSyncClient c = McpClient.sync(t).requestTimeout(Duration.ofSeconds(60)).build();
    c.initialize();
    return c;
  }

  /** A refused or failed call would measure the wrong thing: stop the run instead. */
  public static McpSchema.CallToolResult check(McpSchema.CallToolResult r) {
    if (Boolean.TRUE.equals(r.isError())) {
      throw new IllegalStateException("the benchmark call failed: " + r.content());
    }
    return r;
  }
}
