package dev.agora.provider.mcp;

import dev.agora.core.spi.Provider;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;

/**
 * An MCP server as discovery and calls use it, whichever generation of the protocol it speaks:
 * {@link LegacyUpstream} (2025-11-25: {@code initialize} and a session, {@link McpConnection}) or
 * {@link ModernConnection} (2026-07-28: stateless, {@code server/discover}), chosen per source by
 * {@link EraSwitch}. Both speak in the SDK's 2025-11-25 schema types, so that {@link McpMapping},
 * redaction and the size limit work the same for both; failures are {@link McpConnection}'s typed
 * errors.
 *
 * <p>{@code tag} marks a call for cancellation (null: not cancellable); {@code retry} says whether
 * a call may be sent once more when the server was lost under it.
 */
interface Upstream extends AutoCloseable {

  /** What the server says about itself: its capabilities, name and version (never null). */
  McpSchema.InitializeResult hello();

  McpSchema.ListToolsResult listTools(String cursor);

  McpSchema.ListResourcesResult listResources(String cursor);

  McpSchema.ListPromptsResult listPrompts(String cursor);

  McpSchema.ListResourceTemplatesResult listResourceTemplates(String cursor);

  /** The calls in flight on this server: whom its progress and questions go to. */
  CallsInFlight calls();

  McpSchema.CallToolResult callTool(
      McpSchema.CallToolRequest request, Duration deadline, Object tag, boolean retry);

  McpSchema.ReadResourceResult readResource(
      McpSchema.ReadResourceRequest request, Duration deadline, Object tag);

  McpSchema.GetPromptResult getPrompt(
      McpSchema.GetPromptRequest request, Duration deadline, Object tag);

  /**
   * Watches resource {@code uri} until the subscription is closed: {@code updated} runs on each
   * change the server reports.
   *
   * @throws McpConnection.ServerError when the server cannot or will not
   */
  Provider.Subscription subscribe(String uri, Runnable updated);

  /**
   * From now on {@code tools} runs each time the server says its tools changed, and {@code catalog}
   * when its resources or prompts did, where that needs asking for (2026-07-28: a {@code
   * subscriptions/listen} stream); a 2025-11-25 session is told anyway.
   */
  default void watchLists(Runnable tools, Runnable catalog) {}

  /**
   * Whether a request now goes straight to a connection that is up — nothing to start, no handshake
   * — so that it ends by the deadline it is given.
   */
  boolean ready();

  /** Whether the server answers (fails with a typed error if not). */
  void ping(Duration deadline);

  @Override
  void close();
}
