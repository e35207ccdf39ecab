package dev.agora.provider.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A peer in interop/ that serves HTTP on a free loopback port (such as the A2A agents
 * interop/a2a/agent*.mjs), run as a process: it prints "port N" once it listens, then whatever else
 * it has to say, line by line.
 */
public final class NodePeer implements AutoCloseable {

  private final Process process;

  /** {@code http://127.0.0.1:N}. */
  public final String base;

  private final java.util.concurrent.BlockingQueue<String> lines =
      new java.util.concurrent.LinkedBlockingQueue<>();

  /** Starts {@code script} (a path under interop/) and waits for its "port N" line. */
  public NodePeer(String script) throws IOException {
    process =
        new ProcessBuilder(List.of("node", Peers.script(script), "0"))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("port ")) {
      process.destroyForcibly();
      throw new IOException(script + " did not say its port: " + line);
    }
    base = "http://127.0.0.1:" + line.substring(5).strip();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                  lines.add(l);
                }
              } catch (IOException gone) {
                // the agent stopped
              }
            });
  }

  /**
   * The next line the peer prints, or null after 30 s (the agents say "canceled TASK" for each task
   * canceled).
   */
  public String nextLine() throws InterruptedException {
    return lines.poll(30, java.util.concurrent.TimeUnit.SECONDS); // a bound, not a wait for time
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
