package dev.agora.provider.mcp;

import dev.agora.core.spi.Provider;
import dev.agora.core.telemetry.Telemetry;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import reactor.core.publisher.Mono;

/** A 2025-11-25 server: each request on the one session of its {@link McpConnection}. */
record LegacyUpstream(McpConnection connection, Duration timeout) implements Upstream {

  private static final TypeRef<McpSchema.CallToolResult> CALL_TOOL = new TypeRef<>() {};
  private static final TypeRef<McpSchema.ReadResourceResult> READ_RESOURCE = new TypeRef<>() {};
  private static final TypeRef<McpSchema.GetPromptResult> GET_PROMPT = new TypeRef<>() {};

  @Override
  public McpSchema.InitializeResult hello() {
    return connection.request(
        "initialize",
        c -> Mono.justOrEmpty(c.getCurrentInitializationResult()),
        timeout,
        null,
        true);
  }

  @Override
  public McpSchema.ListToolsResult listTools(String cursor) {
    return connection.request("list", c -> c.listTools(cursor), timeout, null, true);
  }

  @Override
  public McpSchema.ListResourceTemplatesResult listResourceTemplates(String cursor) {
    return connection.request("list", c -> c.listResourceTemplates(cursor), timeout, null, true);
  }

  @Override
  public CallsInFlight calls() {
    return connection.calls();
  }

  @Override
  public McpSchema.ListResourcesResult listResources(String cursor) {
    return connection.request("list", c -> c.listResources(cursor), timeout, null, true);
  }

  @Override
  public McpSchema.ListPromptsResult listPrompts(String cursor) {
    return connection.request("list", c -> c.listPrompts(cursor), timeout, null, true);
  }

  @Override
  public McpSchema.CallToolResult callTool(
      McpSchema.CallToolRequest untraced, Duration deadline, Object tag, boolean retry) {
    McpSchema.CallToolRequest request = traced(untraced);
    return connection.request(
        "tools/call " + request.name(),
        c -> c.callTool(request),
        new McpConnection.Direct<>(
            McpSchema.METHOD_TOOLS_CALL, request, CALL_TOOL, c -> c.tools() != null),
        deadline,
        tag,
        retry);
  }

  /**
   * {@code request} with the W3C trace context of the traced call under way on this thread in its
   * {@code _meta} ({@code traceparent}, {@code tracestate}), as MCP's proposal for trace context
   * has it: the only way it reaches a server over stdio. Itself when no traced call is under way.
   */
  static McpSchema.CallToolRequest traced(McpSchema.CallToolRequest request) {
    Map<String, Object> meta = new HashMap<>();
    Telemetry.propagate(meta::put);
    if (meta.isEmpty()) {
      return request;
    }
    if (request.meta() != null) {
      request.meta().forEach(meta::putIfAbsent);
    }
    return new McpSchema.CallToolRequest(request.name(), request.arguments(), meta);
  }

  @Override
  public McpSchema.ReadResourceResult readResource(
      McpSchema.ReadResourceRequest request, Duration deadline, Object tag) {
    return connection.request(
        "resources/read " + request.uri(),
        c -> c.readResource(request),
        new McpConnection.Direct<>(
            McpSchema.METHOD_RESOURCES_READ, request, READ_RESOURCE, c -> c.resources() != null),
        deadline,
        tag,
        true);
  }

  @Override
  public McpSchema.GetPromptResult getPrompt(
      McpSchema.GetPromptRequest request, Duration deadline, Object tag) {
    return connection.request(
        "prompts/get " + request.name(),
        c -> c.getPrompt(request),
        new McpConnection.Direct<>(
            McpSchema.METHOD_PROMPT_GET, request, GET_PROMPT, c -> c.prompts() != null),
        deadline,
        tag,
        true);
  }

  @Override
  public Provider.Subscription subscribe(String uri, Runnable updated) {
    return connection.subscribe(uri, updated);
  }

  @Override
  public void ping(Duration deadline) {
    connection.request("ping", McpAsyncClient::ping, deadline, null, true);
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public boolean ready() {
    return connection.ready();
  }
}
