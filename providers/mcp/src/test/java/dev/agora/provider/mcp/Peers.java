package dev.agora.provider.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The third-party MCP peers the tests run against, installed by {@code ./build test} from
 * interop/package.json (pinned by its lock file): the reference servers and clients from the npm
 * registry, run as real processes.
 */
public final class Peers {

  private Peers() {}

  /** interop/node_modules/.bin, or a failure saying how to get it. */
  public static Path bin() {
    String dir = System.getProperty("agora.interop.bin");
    Path p = dir == null ? null : Path.of(dir);
    if (p == null || !Files.isDirectory(p)) {
      throw new IllegalStateException(
          "the MCP peers are not installed ("
              + p
              + "): run ./build test, which runs "
              + "npm ci in interop/");
    }
    return p;
  }

  /** An executable in interop/node_modules/.bin. */
  public static String exe(String name) {
    return bin().resolve(name).toString();
  }

  /** A script in interop/ (next to node_modules). */
  public static String script(String name) {
    return bin().getParent().getParent().resolve(name).toString();
  }

  /** What a finished process printed, and its exit code. */
  public record Run(int exit, String out, String err) {}

  /** Runs a command to completion (with a generous limit), capturing stdout and stderr. */
  public static Run run(List<String> command, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                return e.toString();
              }
            });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(command + " did not finish");
    }
    return new Run(p.exitValue(), out, err.join());
  }

  /** A free loopback port. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server process started with an HTTP port, ready once it printed its "listening" line. */
  public record HttpServer(Process process, int port, List<String> output)
      implements AutoCloseable {
    public String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Starts @modelcontextprotocol/server-everything in {@code mode} ({@code streamableHttp} or
   * {@code sse}) on {@code port} and returns once it is listening.
   */
  public static HttpServer everythingHttp(String mode, int port) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(exe("mcp-server-everything"), mode).redirectErrorStream(true);
    pb.environment().put("PORT", Integer.toString(port));
    Process p = pb.start();
    List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  output.add(line);
                  if (line.contains("listening") || line.contains("running on port")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
              ready.completeExceptionally(
                  new IllegalStateException("server-everything " + mode + " exited: " + output));
            });
    try {
      ready.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("server-everything " + mode + " did not start: " + output, e);
    }
    return new HttpServer(p, port, output);
  }
}
