package dev.agora.provider.mcp;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The stdio transport, written for Agora rather than taken from the SDK, because a gateway needs
 * what the SDK's lacks: a line on the server's stdout that is not JSON-RPC is logged and skipped
 * (the SDK's stops reading), sends from many threads are serialised (the SDK's fails under
 * concurrency), stderr is drained into Agora's log, the working directory can be set, the child
 * gets a minimal environment rather than Agora's ({@link ChildEnvironment}), and the process's exit
 * is reported at once so calls in flight fail fast instead of waiting for their deadline.
 */
final class StdioTransport implements McpClientTransport {

  private final McpServerConfig config;
  private final McpJsonMapper json;
  private final Consumer<String> log;
  private final Runnable onExit;
  private final Object writeLock = new Object();
  private volatile Process process;
  private volatile OutputStream stdin;
  private volatile boolean closing;
  private volatile String startFailure;

  StdioTransport(
      McpServerConfig config, McpJsonMapper json, Consumer<String> log, Runnable onExit) {
    this.config = config;
    this.json = json;
    this.log = log;
    this.onExit = onExit;
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    return Mono.fromRunnable(
        () -> {
          List<String> cmd = new ArrayList<>();
          cmd.add(config.command());
          cmd.addAll(config.args());
          ProcessBuilder pb = new ProcessBuilder(cmd);
          // only what a program needs to run, and what agora.yaml gives it: never the node's
          // secrets
          Map<String, String> env = ChildEnvironment.of(System.getenv(), config.env());
          pb.environment().clear();
          pb.environment().putAll(env);
          if (config.cwd() != null) {
            pb.directory(config.cwd().toFile());
          }
          try {
            process = pb.start();
          } catch (IOException e) {
            startFailure =
                "cannot start MCP server '"
                    + config.name()
                    + "' ("
                    + config.where()
                    + "): "
                    + e.getMessage();
            throw new IllegalStateException(startFailure, e);
          }
          stdin = process.getOutputStream();
          Process p = process;
          Thread.ofVirtual()
              .name("mcp-" + config.name() + "-stdout")
              .start(() -> readStdout(p, handler));
          Thread.ofVirtual().name("mcp-" + config.name() + "-stderr").start(() -> drainStderr(p));
        });
  }

  private void readStdout(
      Process p, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        McpSchema.JSONRPCMessage message;
        try {
          message = McpSchema.deserializeJsonRpcMessage(json, line);
        } catch (IOException | RuntimeException e) {
          log.accept(
              "mcp "
                  + config.name()
                  + ": skipped a stdout line that is not JSON-RPC: "
                  + abbreviate(line));
          continue;
        }
        handler
            .apply(Mono.just(message))
            .subscribe(
                m -> {},
                e ->
                    log.accept(
                        "mcp " + config.name() + ": error handling a message: " + e.getMessage()));
      }
    } catch (IOException e) {
      if (!closing) {
        log.accept("mcp " + config.name() + ": reading stdout failed: " + e.getMessage());
      }
    }
    if (!closing) {
      try {
        p.waitFor(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (p.isAlive()) { // it cannot be talked to any more, and a new one takes its place
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        log.accept(
            "mcp " + config.name() + ": the server closed its stdout but kept running; stopped it");
      } else {
        log.accept("mcp " + config.name() + ": server process exited with code " + p.exitValue());
      }
      onExit.run();
    }
  }

  private void drainStderr(Process p) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        log.accept("mcp " + config.name() + " stderr: " + abbreviate(line));
      }
    } catch (IOException e) {
      // the process is gone; stdout's reader reports that
    }
  }

  private static String abbreviate(String line) {
    return line.length() <= 300 ? line : line.substring(0, 300) + "…";
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.fromRunnable(
        () -> {
          OutputStream out = stdin;
          if (out == null) {
            throw new IllegalStateException(
                startFailure != null
                    ? startFailure
                    : "MCP server '" + config.name() + "' is not running");
          }
          try {
            byte[] bytes = json.writeValueAsBytes(message);
            synchronized (writeLock) { // one whole line at a time, whatever thread sends
              out.write(bytes);
              out.write('\n');
              out.flush();
            }
          } catch (IOException e) {
            throw new IllegalStateException(
                "cannot write to MCP server '" + config.name() + "': " + e.getMessage(), e);
          }
        });
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(this::stop);
  }

  @Override
  public void close() {
    stop();
  }

  /** Closes stdin (servers exit on end of input), then terminates and finally kills the process. */
  private void stop() {
    closing = true;
    Process p = process;
    if (p == null) {
      return;
    }
    try {
      stdin.close();
      if (!p.waitFor(1, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      }
    } catch (IOException e) {
      p.destroyForcibly();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** The server's process id, or -1 before it started (tests kill it to test recovery). */
  long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
    return json.convertValue(data, type);
  }
}
