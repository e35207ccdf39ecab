package dev.agora.server;

import dev.agora.core.json.JsonLines;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/**
 * The server end of MCP over stdio, written for Agora rather than taken from the SDK, whose
 * transport stops reading at the first line that is not JSON-RPC (and so never sees the end of its
 * input) and keeps a line of any length whole. Here:
 *
 * <ul>
 *   <li>a line that is not JSON is answered {@code -32700} (Parse error), JSON that is no JSON-RPC
 *       message {@code -32600} (Invalid Request), both with a null id, and reading goes on;
 *   <li>a line over {@code max} bytes is dropped without being kept and answered {@code -32600}
 *       with its id when one was found while skipping it;
 *   <li>each message is handed to {@code inspect} before the session handles it;
 *   <li>sends from any thread are written one whole line at a time;
 *   <li>the end of input, or an output the client closed, ends the session: {@link #ended()}
 *       completes once the requests in flight are answered (or after {@link #DRAIN}).
 * </ul>
 */
final class StdioServerTransport implements McpServerTransportProvider {

  /** How long the end of input waits for the answers still in flight. */
  static final Duration DRAIN = Duration.ofSeconds(10);

  private final McpJsonMapper json;
  private final InputStream in;
  private final OutputStream out;
  private final int max;
  private final Consumer<String> inspect;
  private final Consumer<String> log;
  private final Object writeLock = new Object();
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private volatile McpServerSession session;
  private volatile boolean closing;

  StdioServerTransport(
      McpJsonMapper json,
      InputStream in,
      OutputStream out,
      int max,
      Consumer<String> inspect,
      Consumer<String> log) {
    this.json = json;
    this.in = in;
    this.out = out;
    this.max = max;
    this.inspect = inspect;
    this.log = log;
  }

  @Override
  public void setSessionFactory(McpServerSession.Factory sessionFactory) {
    session = sessionFactory.create(new Channel());
    Thread.ofPlatform().daemon().name("agora-mcp-stdin").start(this::read);
  }

  /** Completes when the session is over: its input ended, or its output was closed. */
  CompletableFuture<Void> ended() {
    return ended;
  }

  private void read() {
    JsonLines lines = new JsonLines(in, max);
    try {
      for (JsonLines.Line line = lines.next(); line != null && !closing; line = lines.next()) {
        switch (line) {
          case JsonLines.Line.Text t -> take(t.text());
          case JsonLines.Line.TooLong big ->
              refuse(
                  big.id(),
                  McpSchema.ErrorCodes.INVALID_REQUEST,
                  "Invalid Request: a message is at most "
                      + max
                      + " bytes; this one, of "
                      + big.bytes()
                      + " bytes, was dropped");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        log.accept("agora mcp: reading stdin failed: " + e.getMessage());
      }
    }
    CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, DRAIN.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> end());
  }

  private void take(String line) {
    if (line.isBlank()) {
      return;
    }
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, line);
    } catch (IOException | RuntimeException e) {
      if (isJson(line)) {
        refuse(
            null,
            McpSchema.ErrorCodes.INVALID_REQUEST,
            "Invalid Request: the line is JSON but not a JSON-RPC 2.0 message");
      } else {
        refuse(null, McpSchema.ErrorCodes.PARSE_ERROR, "Parse error: the line is not JSON");
      }
      return;
    }
    try {
      inspect.accept(line);
    } catch (RuntimeException e) { // a look before the SDK's: never a reason to stop reading
      log.accept("agora mcp: looking at a message failed: " + e);
    }
    CompletableFuture<Void> handled = new CompletableFuture<>();
    inFlight.add(handled);
    handled.whenComplete((v, e) -> inFlight.remove(handled));
    Mono.defer(() -> session.handle(message))
        .subscribe(
            v -> {},
            e -> {
              log.accept("agora mcp: handling a message failed: " + e);
              handled.complete(null);
            },
            () -> handled.complete(null));
  }

  private boolean isJson(String line) {
    try {
      json.readValue(line, Object.class);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Answers a message that could not be handled with a JSON-RPC error. */
  private void refuse(Object id, int code, String message) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    reply.put("id", id);
    reply.put("error", error);
    try {
      write(json.writeValueAsBytes(reply));
    } catch (IOException e) {
      log.accept("agora mcp: cannot answer on stdout: " + e.getMessage());
      end();
    }
  }

  private void write(byte[] line) throws IOException {
    synchronized (writeLock) { // one whole line at a time, whatever thread sends
      out.write(line);
      out.write('\n');
      out.flush();
    }
  }

  private void end() {
    closing = true;
    McpServerSession s = session;
    if (s != null) {
      s.close();
    }
    ended.complete(null);
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    McpServerSession s = session;
    return s == null
        ? Mono.error(new IllegalStateException("no MCP session on stdio yet"))
        : s.sendNotification(method, params);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::end);
  }

  /** The session's side of the transport: what it sends goes to stdout. */
  private final class Channel implements McpServerTransport {

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
      return Mono.fromRunnable(
          () -> {
            try {
              write(json.writeValueAsBytes(message));
            } catch (IOException e) {
              end(); // the client closed our stdout: the session is over
              throw new IllegalStateException(
                  "agora mcp: cannot write to stdout: " + e.getMessage(), e);
            }
          });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
      return json.convertValue(data, type);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return Mono.empty();
    }
  }
}
