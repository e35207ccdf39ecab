package dev.agora.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One {@code agora serve} process of {@link ClusterHarness}: started from the CLI jar on a free
 * port with its own data directory, its output in {@code serve.log} there, stopped with SIGTERM.
 */
final class ClusterNode implements AutoCloseable {

  /** The nodes running now: stopped by a hook if the harness itself is stopped. */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroy), "stop-nodes"));
  }

  private final Process process;
  private final int port;
  private final Path log;

  private ClusterNode(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code java [jvmArgs] -jar jar serve --config config --port P --data-dir dataDir}. */
  static ClusterNode start(Path java, List<String> jvmArgs, Path jar, Path config, Path dataDir)
      throws IOException {
    int port = freePort();
    Files.createDirectories(dataDir);
    Path log = dataDir.resolve("serve.log");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(jvmArgs);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "serve",
            "--config",
            config.toString(),
            "--port",
            Integer.toString(port),
            "--data-dir",
            dataDir.toString()));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    RUNNING.add(p);
    return new ClusterNode(p, port, log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  long pid() {
    return process.pid();
  }

  int port() {
    return port;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** Waits until {@code /health} answers 200; fails with the end of the node's log otherwise. */
  void awaitHealthy(HttpClient http, Duration within) throws IOException, InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    HttpRequest health =
        HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < until) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node on port " + port + " exited: " + tail());
      }
      try {
        if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("node on port " + port + " not healthy in time: " + tail());
  }

  /** The last lines the node wrote. */
  String tail() throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  /**
   * SIGTERM, then waits while it closes (its last checkpoint is signed then); killed after a
   * minute. Returns its exit code.
   */
  int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    RUNNING.remove(process);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
  }
}
