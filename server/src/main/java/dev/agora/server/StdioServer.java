package dev.agora.server;

import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code agora mcp}: the marketplace as an MCP server on stdin/stdout, for clients that start their
 * servers as child processes. The whole session acts as one security context (the process owner
 * chose it with {@code --as}); stdout carries only JSON-RPC — everything else goes to stderr. A
 * line that is not JSON-RPC is answered with a JSON-RPC error and the session goes on; the end of
 * input ends it ({@link #ended()}).
 */
public final class StdioServer implements AutoCloseable {

  /** The largest message read, in bytes: a longer line is dropped unread and refused. */
  public static final int MAX_MESSAGE = 4 << 20;

  private final McpGateway gateway;
  private final StdioServerTransport transport;

  /**
   * Serves on {@code in}/{@code out} as {@code caller}, messages up to {@code maxMessage} bytes;
   * {@code log} hears what went wrong with the streams. Each message is looked at before the SDK
   * handles it, so that a {@code tools/call} for a tool that is not published is recorded with the
   * caller, as over HTTP.
   */
  public StdioServer(
      Marketplace marketplace,
      SecurityContext caller,
      InputStream in,
      OutputStream out,
      int maxMessage,
      Consumer<String> log) {
    CompletableFuture<McpGateway> started = new CompletableFuture<>();
    this.transport =
        new StdioServerTransport(
            McpJsonDefaults.getMapper(),
            in,
            out,
            maxMessage,
            line -> {
              if (caller != null) {
                started.join().noticeUnknownTools(line, caller);
              }
            },
            log);
    this.gateway = new McpGateway(marketplace, transport, ctx -> caller);
    started.complete(gateway);
  }

  public McpGateway gateway() {
    return gateway;
  }

  /**
   * Completes when the session is over — its input ended (and the answers in flight were written)
   * or the client closed its output.
   */
  public CompletableFuture<Void> ended() {
    return transport.ended();
  }

  @Override
  public void close() {
    gateway.close();
  }
}
