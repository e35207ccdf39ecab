package dev.agora.provider.a2a;

import dev.agora.provider.mcp.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** An A2A agent of the JS SDK (interop/a2a/agent*.mjs) run as a process on a free port. */
final class JsAgent implements AutoCloseable {

  final Process process;
  final String base;
  private final java.util.concurrent.BlockingQueue<String> lines =
      new java.util.concurrent.LinkedBlockingQueue<>();

  /** Starts {@code script} and waits for its "port N" line. */
  JsAgent(String script) throws IOException {
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

  /** The next line the agent prints (it says "canceled <task id>" for each task canceled). */
  String nextLine() throws InterruptedException {
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
