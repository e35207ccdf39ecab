package dev.agora.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A started {@code ./agora serve} process: its MCP endpoint as printed at start, and every line it
 * writes to stderr (collected while it runs).
 */
record ServeProcess(Process process, String endpoint, List<String> log) implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile("serving MCP at (http://\\S+)");

  /** Starts {@code serve} and waits (up to two minutes) until it says where it serves. */
  static ServeProcess start(ProcessBuilder serve) throws Exception {
    Process p = serve.start();
    p.getOutputStream().close();
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  log.add(line);
                  Matcher m = SERVING.matcher(line);
                  if (m.find()) {
                    url.complete(m.group(1));
                  }
                }
              } catch (IOException ignored) {
                // the process ended
              }
              url.completeExceptionally(new IllegalStateException("agora serve ended: " + log));
            });
    try {
      return new ServeProcess(p, url.get(120, TimeUnit.SECONDS), log);
    } catch (Exception e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw e;
    }
  }

  /** Stops it as an operator would (SIGTERM), forcibly if it has not ended within a minute. */
  @Override
  public void close() throws Exception {
    new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
