package dev.agora.provider.mcp;

import io.javalin.Javalin;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import io.modelcontextprotocol.modern.server.McpServer;
import io.modelcontextprotocol.modern.server.McpSyncResponse;
import io.modelcontextprotocol.modern.server.feature.McpSyncPrompt;
import io.modelcontextprotocol.modern.server.feature.McpSyncPromptRepository;
import io.modelcontextprotocol.modern.server.feature.McpSyncResource;
import io.modelcontextprotocol.modern.server.feature.McpSyncResourceRepository;
import io.modelcontextprotocol.modern.server.feature.McpSyncTool;
import io.modelcontextprotocol.modern.server.feature.McpSyncToolRepository;
import io.modelcontextprotocol.modern.server.feature.PromptsFeature;
import io.modelcontextprotocol.modern.server.feature.PromptsPage;
import io.modelcontextprotocol.modern.server.feature.ResourcesFeature;
import io.modelcontextprotocol.modern.server.feature.ResourcesPage;
import io.modelcontextprotocol.modern.server.feature.ServerChange;
import io.modelcontextprotocol.modern.server.feature.ToolsFeature;
import io.modelcontextprotocol.modern.server.feature.ToolsPage;
import io.modelcontextprotocol.modern.server.transport.HttpServletMcpTransport;
import io.modelcontextprotocol.modern.server.transport.StdioMcpTransport;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A real MCP 2026-07-28 server built with the Java SDK's stateless server ({@code
 * io.modelcontextprotocol.modern}): over HTTP (its servlet transport inside Javalin on 127.0.0.1,
 * in the test's JVM), or over stdio as a child JVM ({@link #main}, {@link #command}). It has a tool
 * {@code echo} (its message back; {@code secret} echoes AGORA_TEST_SECRET's value when given),
 * {@code meta} (what the request's {@code _meta} and headers said), {@code fail} (a tool error),
 * {@code slow} (sleeps its {@code ms}), a resource {@code note://readme} and a prompt {@code
 * greet}.
 */
final class ModernJavaServer implements AutoCloseable {

  /** What each request to the HTTP server carried (method header → name header, version). */
  final List<String> requests =
      new CopyOnWriteArrayList<>() {
        @Override
        public boolean add(String r) {
          boolean added = super.add(r);
          synchronized (ModernJavaServer.this) {
            ModernJavaServer.this.notifyAll();
          }
          return added;
        }
      };

  /** How many of {@link #requests} are {@code request}. */
  long count(String request) {
    return requests.stream().filter(request::equals).count();
  }

  /** Waits up to {@code seconds} until {@code n} of the requests are {@code request}. */
  synchronized boolean await(String request, long n, int seconds) throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (count(request) < n) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(left / 1_000_000 + 1);
    }
    return true;
  }

  private final Javalin app;
  private final McpServer server;

  /** What this server tells its listening clients ({@link #publish}). */
  private final Sinks.Many<ServerChange> changes = Sinks.many().multicast().directBestEffort();

  ModernJavaServer() {
    this(null);
  }

  /** A server that answers HTTP 401 to a request without {@code Authorization: Bearer token}. */
  ModernJavaServer(String token) {
    server = server(requests, changes.asFlux());
    HttpServletMcpTransport transport =
        HttpServletMcpTransport.builder(server)
            .jsonMapper(McpJsonDefaults.getMapper())
            .endpoint("/mcp")
            .contextExtractor(
                r -> {
                  requests.add(
                      r.getHeader("Mcp-Method")
                          + " "
                          + Optional.ofNullable(r.getHeader("Mcp-Name")).orElse("-")
                          + " "
                          + r.getHeader("MCP-Protocol-Version"));
                  return McpTransportContext.EMPTY;
                })
            .build();
    HttpServlet guarded =
        new HttpServlet() {
          @Override
          public void init() throws ServletException {
            transport.init(getServletConfig());
          }

          @Override
          protected void service(HttpServletRequest req, HttpServletResponse resp)
              throws ServletException, IOException {
            if (token != null && !("Bearer " + token).equals(req.getHeader("Authorization"))) {
              resp.sendError(401);
              return;
            }
            transport.service(req, resp);
          }
        };
    app =
        Javalin.create(
                cfg -> {
                  cfg.concurrency.useVirtualThreads = true;
                  cfg.jetty.modifyServletContextHandler(
                      h -> h.addServlet(new ServletHolder(guarded), "/mcp"));
                  cfg.startup.showJavalinBanner = false;
                })
            .start("127.0.0.1", 0);
  }

  String url() {
    return "http://127.0.0.1:" + app.port() + "/mcp";
  }

  /** agora.yaml's command and args that run this server as a stdio child. */
  static String command() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return "command: \"%s\", args: [\"-cp\", \"%s\", \"%s\"]"
        .formatted(java, System.getProperty("java.class.path"), ModernJavaServer.class.getName());
  }

  /** The stdio server: reads requests from stdin until it ends. */
  public static void main(String[] args) {
    McpServer s = server(new ArrayList<>(), Flux.never());
    new StdioMcpTransport(s, McpJsonDefaults.getMapper()).start().block();
  }

  /** Tells the clients listening of {@code change} (a tool list change, a resource update). */
  void publish(ServerChange change) {
    changes.tryEmitNext(change);
  }

  private static McpServer server(List<String> seen, Flux<ServerChange> changes) {
    return McpServer.builder()
        .serverInfo(McpSchema.Implementation.builder("java-modern", "2.0.0").build())
        .subscriptions(() -> changes)
        .feature(ToolsFeature.ofSync(tools(seen)))
        .feature(ResourcesFeature.ofSync(resources()))
        .feature(PromptsFeature.ofSync(prompts()))
        .build();
  }

  private static McpSchema.Tool tool(String name, String description) {
    return McpSchema.Tool.builder(
            name,
            McpJsonDefaults.getMapper(),
            """
            {"type": "object", "properties": {"message": {"type": "string"}, "ms": {"type": "integer"}}}""")
        .description(description)
        .build();
  }

  private static McpSchema.CallToolResult text(String text, boolean error) {
    return new McpSchema.CallToolResult.Builder()
        .addContent(McpSchema.TextContent.builder(text).build())
        .isError(error)
        .build();
  }

  private static McpSyncToolRepository tools(List<String> seen) {
    List<McpSchema.Tool> list =
        List.of(
            tool("echo", "Echoes its message"),
            tool("meta", "Says what the request's _meta carried"),
            tool("fail", "Always fails"),
            tool("slow", "Sleeps ms milliseconds"));
    return new McpSyncToolRepository() {
      @Override
      public ToolsPage list(McpRequestContext ctx, String cursor) {
        return ToolsPage.of(list);
      }

      @Override
      public McpSyncTool find(McpRequestContext ctx, String name) {
        return list.stream()
            .filter(t -> t.name().equals(name))
            .findFirst()
            .map(t -> McpSyncTool.of(t, (c, req) -> McpSyncResponse.result(call(c, req, seen))))
            .orElse(null);
      }
    };
  }

  private static McpSchema.CallToolOutcome call(
      McpRequestContext c, McpSchema.CallToolRequest req, List<String> seen) {
    Map<String, Object> args = req.arguments() == null ? Map.of() : req.arguments();
    return switch (req.name()) {
      case "echo" -> {
        Object m = args.get("message");
        yield text(
            "secret".equals(m) ? String.valueOf(System.getenv("AGORA_TEST_SECRET")) : "" + m,
            false);
      }
      case "meta" ->
          text(
              c.protocolVersion()
                  + " "
                  + (c.clientInfo() == null ? null : c.clientInfo().name())
                  + " "
                  + (c.clientCapabilities() != null)
                  + " "
                  + c.progressToken(),
              false);
      case "slow" -> {
        try {
          Thread.sleep(((Number) args.getOrDefault("ms", 0)).longValue());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        yield text("slept", false);
      }
      default -> text("this tool always fails", true);
    };
  }

  private static McpSyncResourceRepository resources() {
    McpSchema.Resource readme =
        McpSchema.Resource.builder("note://readme", "readme")
            .description("A note")
            .mimeType("text/plain")
            .build();
    return new McpSyncResourceRepository() {
      @Override
      public ResourcesPage list(McpRequestContext ctx, String cursor) {
        return ResourcesPage.of(List.of(readme));
      }

      @Override
      public boolean supportsSubscribe() {
        return true;
      }

      @Override
      public McpSyncResource find(McpRequestContext ctx, String uri) {
        return uri.equals(readme.uri())
            ? McpSyncResource.of(
                (c, req) ->
                    McpSyncResponse.result(
                        McpSchema.ReadResourceResult.builder(
                                List.of(
                                    McpSchema.TextResourceContents.builder(
                                            readme.uri(), "hello from a 2026-07-28 server")
                                        .mimeType("text/plain")
                                        .build()))
                            .build()))
            : null;
      }
    };
  }

  private static McpSyncPromptRepository prompts() {
    McpSchema.Prompt greet =
        McpSchema.Prompt.builder("greet")
            .description("Greets someone")
            .arguments(List.of(McpSchema.PromptArgument.builder("name").required(true).build()))
            .build();
    return new McpSyncPromptRepository() {
      @Override
      public PromptsPage list(McpRequestContext ctx, String cursor) {
        return PromptsPage.of(List.of(greet));
      }

      @Override
      public McpSyncPrompt find(McpRequestContext ctx, String name) {
        return name.equals("greet")
            ? McpSyncPrompt.of(
                greet,
                (c, req) ->
                    McpSyncResponse.result(
                        McpSchema.GetPromptResult.builder(
                                List.of(
                                    new McpSchema.PromptMessage(
                                        McpSchema.Role.USER,
                                        McpSchema.TextContent.builder(
                                                "Hello, " + req.arguments().get("name"))
                                            .build())))
                            .build()))
            : null;
      }
    };
  }

  @Override
  public void close() {
    app.stop();
    server.closeGracefully();
  }
}
