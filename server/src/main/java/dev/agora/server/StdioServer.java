package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for clients that start their
 * servers as child processes. The whole session acts as one security context (the process owner
 * chose it with {@code --as}); stdout carries only JSON-RPC — everything else goes to stderr.
 */
public final class StdioServer implements AutoCloseable {

  private final McpGateway gateway;

  public StdioServer(
      Marketplace marketplace, SecurityContext caller, InputStream in, OutputStream out) {
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(McpJsonDefaults.getMapper(), in, out);
    this.gateway = new McpGateway(marketplace, transport, ctx -> caller);
  }

  public McpGateway gateway() {
    return gateway;
  }

  @Override
  public void close() {
    gateway.close();
  }
}
