package dev.agora.provider.mcp;

import dev.agora.core.spi.Provider;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The {@link Upstream} of one source, of the generation its {@code protocol} says — or, for {@code
 * auto} (the default), of the one the server turns out to speak: on first use it is asked with a
 * 2026-07-28 {@code server/discover} ({@link ModernConnection#probe}); an answer, or an error only
 * a 2026-07-28 server sends, means 2026-07-28, anything else 2025-11-25 ({@code initialize}). The
 * answer is kept for as long as the source lives; a server that cannot be reached at all is asked
 * again next time. The legacy {@code sse} transport is always 2025-11-25's.
 */
final class EraSwitch implements Upstream {

  private final McpServerConfig config;
  private final Consumer<String> log;
  private final Supplier<Upstream> legacy;
  private final Object lock = new Object();
  private volatile Upstream chosen; // written under lock; read without it by ready()
  private boolean closed;

  /**
   * @param legacy makes the 2025-11-25 connection, when that is the one
   */
  EraSwitch(McpServerConfig config, Consumer<String> log, Supplier<Upstream> legacy) {
    this.config = config;
    this.log = log;
    this.legacy = legacy;
  }

  /**
   * The upstream of the server's generation, asking the server first if need be. Once chosen, no
   * lock: every call asks, and a closed upstream refuses calls itself, with the same message.
   */
  Upstream chosen() {
    Upstream u = chosen;
    if (u != null) {
      return u;
    }
    synchronized (lock) {
      if (closed) {
        throw McpConnection.closed(config.name());
      }
      if (chosen == null) {
        chosen = choose();
      }
      return chosen;
    }
  }

  @Override
  public boolean ready() {
    Upstream u = chosen;
    return u != null && u.ready();
  }

  /** The generation in use, or null when not yet known. */
  McpServerConfig.Protocol era() {
    synchronized (lock) {
      return switch (chosen) {
        case null -> null;
        case ModernConnection m -> McpServerConfig.Protocol.MODERN;
        default -> McpServerConfig.Protocol.LEGACY;
      };
    }
  }

  private Upstream choose() {
    if (config.protocol() == McpServerConfig.Protocol.LEGACY
        || config.transport() == McpServerConfig.Transport.SSE) {
      return legacy.get();
    }
    ModernConnection modern = new ModernConnection(config, log);
    if (config.protocol() == McpServerConfig.Protocol.MODERN) {
      return modern;
    }
    boolean speaksModern;
    try {
      speaksModern = modern.probe();
    } catch (RuntimeException e) {
      modern.close();
      throw e;
    }
    if (speaksModern) {
      log.accept("mcp " + config.name() + ": speaks MCP 2026-07-28 (answered server/discover)");
      return modern;
    }
    modern.close();
    log.accept(
        "mcp "
            + config.name()
            + ": speaks MCP 2025-11-25 or earlier (no 2026-07-28 answer to server/discover)");
    return legacy.get();
  }

  @Override
  public McpSchema.InitializeResult hello() {
    return chosen().hello();
  }

  @Override
  public McpSchema.ListToolsResult listTools(String cursor) {
    return chosen().listTools(cursor);
  }

  @Override
  public McpSchema.ListResourcesResult listResources(String cursor) {
    return chosen().listResources(cursor);
  }

  @Override
  public McpSchema.ListPromptsResult listPrompts(String cursor) {
    return chosen().listPrompts(cursor);
  }

  @Override
  public McpSchema.ListResourceTemplatesResult listResourceTemplates(String cursor) {
    return chosen().listResourceTemplates(cursor);
  }

  @Override
  public CallsInFlight calls() {
    return chosen().calls();
  }

  @Override
  public McpSchema.CallToolResult callTool(
      McpSchema.CallToolRequest request, Duration deadline, Object tag, boolean retry) {
    return chosen().callTool(request, deadline, tag, retry);
  }

  @Override
  public McpSchema.ReadResourceResult readResource(
      McpSchema.ReadResourceRequest request, Duration deadline, Object tag) {
    return chosen().readResource(request, deadline, tag);
  }

  @Override
  public McpSchema.GetPromptResult getPrompt(
      McpSchema.GetPromptRequest request, Duration deadline, Object tag) {
    return chosen().getPrompt(request, deadline, tag);
  }

  @Override
  public Provider.Subscription subscribe(String uri, Runnable updated) {
    return chosen().subscribe(uri, updated);
  }

  @Override
  public void watchLists(Runnable tools, Runnable catalog) {
    chosen().watchLists(tools, catalog);
  }

  @Override
  public void ping(Duration deadline) {
    chosen().ping(deadline);
  }

  @Override
  public void close() {
    Upstream u;
    synchronized (lock) {
      closed = true;
      u = chosen;
    }
    if (u != null) {
      u.close();
    }
  }
}
