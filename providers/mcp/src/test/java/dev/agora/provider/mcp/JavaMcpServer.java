package dev.agora.provider.mcp;

import io.javalin.Javalin;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * A real MCP server built with the official Java SDK (servlet Streamable HTTP inside Javalin on
 * 127.0.0.1), in the test's JVM: a fast upstream for benchmarks, and one whose tool list a test can
 * change while a client is connected.
 */
public final class JavaMcpServer implements AutoCloseable {

  private final Javalin app;
  private final McpSyncServer server;

  public JavaMcpServer() {
    this(request -> McpTransportContext.EMPTY, tool("echo", "Echoes its message"));
  }

  /**
   * A server with these tools, whose handlers see what {@code context} takes from each HTTP request
   * ({@code exchange.transportContext()}).
   */
  JavaMcpServer(
      McpTransportContextExtractor<HttpServletRequest> context,
      McpServerFeatures.SyncToolSpecification... tools) {
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint("/mcp")
            .contextExtractor(context)
            .build();
    server =
        McpServer.sync(transport)
            .serverInfo("java-upstream", "1.0.0")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
            .tools(tools)
            .build();
    app =
        Javalin.create(
                cfg -> {
                  cfg.concurrency.useVirtualThreads = true;
                  cfg.jetty.modifyServletContextHandler(
                      h -> h.addServlet(new ServletHolder(transport), "/mcp"));
                  cfg.startup.showJavalinBanner = false;
                })
            .start("127.0.0.1", 0);
  }

  /** A tool that returns "<name>: <message>". */
  public static McpServerFeatures.SyncToolSpecification tool(String name, String description) {
    McpSchema.Tool t =
        McpSchema.Tool.builder(
                name,
                McpJsonDefaults.getMapper(),
                """
            {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}""")
            .description(description)
            .annotations(new McpSchema.ToolAnnotations(null, true, false, true, false, null))
            .build();
    return new McpServerFeatures.SyncToolSpecification(
        t,
        (exchange, request) ->
            McpSchema.CallToolResult.builder()
                .content(
                    List.of(
                        McpSchema.TextContent.builder(
                                (name.equals("echo") ? "" : name + ": ")
                                    + request.arguments().get("message"))
                            .build()))
                .build());
  }

  public String url() {
    return "http://127.0.0.1:" + app.port() + "/mcp";
  }

  /** Adds a tool; connected clients get notifications/tools/list_changed. */
  public void add(String name) {
    server.addTool(tool(name, "Added at run time"));
  }

  public void remove(String name) {
    server.removeTool(name);
  }

  public List<String> tools() {
    return server.listTools().stream().map(McpSchema.Tool::name).toList();
  }

  @Override
  public void close() {
    server.closeGracefully();
    app.stop();
  }

  static Map<String, Object> args(String message) {
    return Map.of("message", message);
  }
}
