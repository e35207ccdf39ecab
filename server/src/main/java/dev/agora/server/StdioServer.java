package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for clients that start their
 * servers as child processes. The whole session acts as one security context (the process owner
 * chose it with {@code --as}); stdout carries only JSON-RPC — everything else goes to stderr.
 */
public final class StdioServer implements AutoCloseable {

  private final McpGateway gateway;

  /**
   * Serves on {@code in}/{@code out} as {@code caller}. Each message is looked at before the SDK
   * reads it, so that a {@code tools/call} for a tool that is not published is recorded with the
   * caller, as over HTTP.
   */
  public StdioServer(
      Marketplace marketplace, SecurityContext caller, InputStream in, OutputStream out) {
    CompletableFuture<McpGateway> started = new CompletableFuture<>();
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(
            McpJsonDefaults.getMapper(),
            caller == null
                ? in
                : new LineTap(in, line -> started.join().noticeUnknownTools(line, caller)),
            out);
    this.gateway = new McpGateway(marketplace, transport, ctx -> caller);
    started.complete(gateway);
  }

  public McpGateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    gateway.close();
  }
}
