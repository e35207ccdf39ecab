package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code agora mcp} in-process: JSON-RPC over the command's own stdin and stdout, acting as the
 * {@code --as} context, and the session ends when the client closes stdin.
 */
@Timeout(120)
class McpCommandTest {

  private static final String CONFIG = "../examples/agora.yaml";

  @TempDir Path dir;

  /** Stdout split into lines, handed over as each one ends. */
  private static final class Lines extends OutputStream {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }

    String next() throws InterruptedException {
      String l = lines.poll(60, TimeUnit.SECONDS);
      assertThat(l).as("a JSON-RPC line on stdout").isNotNull();
      return l;
    }
  }

  @Test
  void answersToolsListAsTheChosenContextAndEndsWhenStdinCloses() throws Exception {
    PipedOutputStream client = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(client, 1 << 16);
    Lines stdout = new Lines();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread serving =
        CliTest.inBackground(
            exit,
            stdin,
            stdout,
            stderr,
            "mcp",
            "--config",
            CONFIG,
            "--as",
            "agent",
            "--data-dir",
            dir.toString());
    send(
        client,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
    assertThat(stdout.next()).contains("\"id\":1", "\"serverInfo\"");
    send(client, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    send(client, "not JSON"); // answered, and the session goes on (issue 12)
    assertThat(stdout.next()).contains("\"id\":null", "-32700");
    send(client, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}");
    String tools = stdout.next();
    assertThat(tools)
        .contains("\"id\":2", "\"ccos.echo\"")
        .doesNotContain("admin.orders.purge", "ccos.io.log");
    client.close();
    serving.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(serving.isAlive()).as("the session ends with stdin").isFalse();
    assertThat(exit.get()).isZero();
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .containsPattern("agora: MCP over stdio as 'agent', \\d+ tools");
  }

  @Test
  void anUnknownContextStopsBeforeServing() {
    CliTest.Result r =
        CliTest.agora("mcp", "--config", CONFIG, "--as", "nobody", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: no security context 'nobody'");
  }

  private static void send(OutputStream client, String json) throws IOException {
    client.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    client.flush();
  }
}
