package dev.agora.provider.mcp;

import dev.agora.core.error.AgoraError;
import dev.agora.core.isolation.Sandbox;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.manifest.UriTemplates;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.IsolationLevel;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Executes {@code provider: {type: mcp, server: …, tool: …}} capabilities on the session of the
 * configured server of that name: {@code tools/call}, {@code resources/read} or {@code
 * prompts/get}, with the call's deadline (cancelled on the server when it passes, or when the
 * caller gives up: an interrupt) and its id as the progress token — progress, sampling and
 * elicitation from the server during the call go to the call's client, see {@link CallsInFlight}.
 * Failures are typed: the server's {@code isError} message and JSON-RPC errors are ProviderErrors
 * naming the server, a passed deadline is a Timeout.
 */
public final class McpProvider implements Provider {

  private final Map<String, McpSource> servers = new ConcurrentHashMap<>();
  private volatile Consumer<String> log = System.err::println;

  @Override
  public String type() {
    return "mcp";
  }

  /** Takes over the connection of a configured server. */
  void serve(McpSource source) {
    servers.put(source.name(), source);
  }

  Consumer<String> log() {
    return line -> log.accept(line);
  }

  /**
   * Connection messages (stderr of stdio servers, reconnects, cancellations) go to the
   * marketplace's log.
   */
  @Override
  public void start(Consumer<String> l) {
    this.log = l;
  }

  /**
   * A call to a server whose connection is up runs on the caller's thread: every request is bounded
   * by the call's deadline ({@link Upstream}), so no watching thread is needed. A call that would
   * start the server or its session first is watched as any other, since a handshake has the
   * source's own timeout.
   */
  @Override
  public boolean keepsDeadline(CapabilityManifest manifest) {
    McpSource source = servers.get(((ProviderSpec.Mcp) manifest.provider()).server());
    return source != null && source.upstream().ready();
  }

  /**
   * {@code process} for the tools of a stdio server run in the process sandbox ({@code isolation:
   * process}) on a host that has it; {@code in-process} otherwise.
   */
  @Override
  public IsolationLevel isolation(CapabilityManifest manifest) {
    McpSource source = servers.get(((ProviderSpec.Mcp) manifest.provider()).server());
    return source != null
            && source.config().sandbox() != null
            && Sandbox.host().support().available()
        ? IsolationLevel.PROCESS
        : IsolationLevel.IN_PROCESS;
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call) {
    ProviderSpec.Mcp spec = (ProviderSpec.Mcp) manifest.provider();
    McpSource source = source(manifest, spec);
    Upstream c = source.upstream();
    call.usedSecrets(
        source.config().secrets()); // what the server was given may come back in what it answers
    boolean callsDeadline = call.remaining().compareTo(source.config().timeout()) < 0;
    Duration deadline = callsDeadline ? call.remaining() : source.config().timeout();
    boolean idempotent = spec.options().get("idempotent") instanceof Value.Bool b && b.value();
    String kind = spec.options().get("kind") instanceof Value.Keyword k ? k.name() : "tool";
    Map<String, Object> meta = Map.of("progressToken", call.callId());
    try (CallsInFlight.InFlight inFlight = c.calls().open(call)) {
      return switch (kind) {
        case "resource" -> {
          String uri =
              uri(
                  manifest,
                  spec.tool().equals(McpMapping.RESOURCE_READER)
                      ? ((Value.Str) ((Dict) input).get("uri")).value()
                      : null);
          yield McpMapping.read(
              c.readResource(
                  new McpSchema.ReadResourceRequest(uri, meta), deadline, call.callId()));
        }
        case "prompt" ->
            McpMapping.prompt(
                c.getPrompt(
                    new McpSchema.GetPromptRequest(spec.tool(), stringArguments(input), meta),
                    deadline,
                    call.callId()));
        default ->
            McpMapping.result(
                c.callTool(
                    McpSchema.CallToolRequest.builder(spec.tool())
                        .arguments(arguments(input))
                        .meta(meta)
                        .build(),
                    deadline,
                    call.callId(),
                    idempotent));
      };
    } catch (McpConnection.DeadlinePassed e) {
      // the call's own deadline is said as the call path says it (the whole time it was given),
      // however little of it was left when the request was sent
      throw new AgoraError.Timeout(
          manifest.id(), callsDeadline ? call.timeout() : source.config().timeout());
    } catch (RuntimeException e) {
      throw typed(manifest.id(), spec.server(), e);
    }
  }

  /**
   * Watches an MCP server's resource for the caller ({@code resources/subscribe}): {@code uri} is
   * the one asked for when the capability is a template or the generic reader, else the resource's
   * own.
   */
  @Override
  public Subscription subscribe(CapabilityManifest manifest, String uri, Runnable updated) {
    ProviderSpec.Mcp spec = (ProviderSpec.Mcp) manifest.provider();
    McpSource source = source(manifest, spec);
    if (!(spec.options().get("kind") instanceof Value.Keyword k && k.name().equals("resource"))) {
      throw AgoraError.ProviderError.refused(
          manifest.id(), "only an MCP server's resources can be subscribed to", null);
    }
    boolean reader = spec.tool().equals(McpMapping.RESOURCE_READER);
    if (reader && uri == null) {
      throw AgoraError.ProviderError.refused(manifest.id(), "which resource? no URI given", null);
    }
    String target = uri(manifest, reader ? uri : null);
    try {
      return source.upstream().subscribe(target, updated);
    } catch (McpConnection.DeadlinePassed e) {
      throw new AgoraError.Timeout(manifest.id(), source.config().timeout());
    } catch (RuntimeException e) {
      throw typed(manifest.id(), spec.server(), e);
    }
  }

  /** The configured server behind {@code manifest}. */
  private McpSource source(CapabilityManifest manifest, ProviderSpec.Mcp spec) {
    McpSource source = servers.get(spec.server());
    if (source == null) {
      throw new AgoraError.ProviderError(
          manifest.id(),
          "no MCP server named '"
              + spec.server()
              + "' is configured (sources: [{name: "
              + spec.server()
              + ", type: mcp, …}])",
          null);
    }
    return source;
  }

  /**
   * The URI a resource capability reads: {@code given} (the generic reader's, a template's),
   * checked against the capability's template if it has one; else the resource's own.
   */
  private static String uri(CapabilityManifest manifest, String given) {
    ProviderSpec.Mcp spec = (ProviderSpec.Mcp) manifest.provider();
    String uri = given != null ? given : spec.tool();
    if (spec.options().get("uri-template") instanceof Value.Str t
        && !UriTemplates.matches(t.value(), uri)) {
      throw AgoraError.ProviderError.refused(
          manifest.id(),
          "the URI '" + uri + "' is not one of resource template " + t.value(),
          null);
    }
    return uri;
  }

  /** A connection's failure as the AgoraError that says it; others as they are. */
  private static RuntimeException typed(String id, String server, RuntimeException e) {
    return switch (e) {
      case McpConnection.Cancelled c -> new AgoraError.Cancelled(id, c.getMessage());
      case McpConnection.ServerError se -> {
        String message = "MCP server '" + server + "': " + se.getMessage();
        yield se.callerFault()
            ? AgoraError.ProviderError.refused(id, message, se)
            : new AgoraError.ProviderError(id, message, se);
      }
      // like HTTP's max_bytes: what was asked decides the size
      case McpConnection.TooLarge t ->
          AgoraError.ProviderError.refused(id, "MCP server '" + server + "': " + t.getMessage(), t);
      case McpConnection.Unavailable u ->
          AgoraError.ProviderError.transientFailure(id, u.getMessage(), u);
      default -> e;
    };
  }

  /** Tool arguments: a map's JSON form; nil is no arguments. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> arguments(Value input) {
    if (input instanceof Value.Nil) {
      return Map.of();
    }
    Object j = Json.toJava(input);
    if (!(j instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("MCP tool arguments are a map, got " + input.typeName());
    }
    return (Map<String, Object>) j;
  }

  private static Map<String, Object> stringArguments(Value input) {
    Map<String, Object> out = new LinkedHashMap<>();
    arguments(input).forEach((k, v) -> out.put(k, v instanceof String s ? s : String.valueOf(v)));
    return out;
  }

  @Override
  public void close() {
    servers.values().forEach(McpSource::close);
  }
}
