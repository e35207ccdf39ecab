package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.provider.mcp.Peers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    Running r = start(CONFIG, "agent");
    PipedOutputStream client = r.client();
    Lines stdout = r.stdout();
    ByteArrayOutputStream stderr = r.stderr();
    Thread serving = r.thread();
    AtomicInteger exit = r.exit();
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

  /** {@code agora mcp} in the background on pipes, initialized, as {@code as} of {@code config}. */
  private record Running(
      PipedOutputStream client,
      Lines stdout,
      ByteArrayOutputStream stderr,
      Thread thread,
      AtomicInteger exit) {}

  private Running start(String config, String as) throws IOException, InterruptedException {
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
            config,
            "--as",
            as,
            "--data-dir",
            dir.resolve("data").toString());
    send(
        client,
        "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
            + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
    assertThat(stdout.next()).contains("\"id\":0", "\"serverInfo\"");
    send(client, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return new Running(client, stdout, stderr, serving, exit);
  }

  private Path everything() throws IOException {
    Path config = dir.resolve("agora.yaml");
    Files.writeString(
        config,
        """
        sources:
          - {name: everything, type: mcp, command: "%s"}
        contexts:
          operator: {level: full}
        default_context: operator
        """
            .formatted(Peers.exe("mcp-server-everything")));
    return config;
  }

  private static String call(int id, String tool, String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + arguments
        + "}}";
  }

  /**
   * Issue 13: the end of input with calls in flight ends the command within about a second (it
   * waited up to 10 s, and the cancelled calls restarted the upstream server): a quick call is
   * still answered, the long ones are cancelled and recorded as such.
   */
  @Test
  void theEndOfInputAnswersTheQuickCallsCancelsTheSlowOnesAndRecordsThem() throws Exception {
    Running r = start(everything().toString(), "operator");
    for (int id = 1; id <= 3; id++) {
      send(
          r.client(),
          call(
              id,
              "mcp.everything.trigger-long-running-operation",
              "{\"duration\":60,\"steps\":60}"));
    }
    send(r.client(), call(4, "mcp.everything.echo", "{\"message\":\"last\"}"));
    assertThat(r.stdout().next()).contains("\"id\":4", "Echo: last"); // the others are running
    send(r.client(), call(5, "mcp.everything.echo", "{\"message\":\"as the input ends\"}"));
    long t0 = System.nanoTime();
    r.client().close();
    r.thread().join(TimeUnit.SECONDS.toMillis(60));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    System.out.println("agora mcp (in-process) ended " + ms + " ms after its input");
    assertThat(r.thread().isAlive()).isFalse();
    assertThat(r.exit().get()).isZero();
    assertThat(ms).as("well under the old 10 s").isLessThan(5_000);
    String err = r.stderr().toString(StandardCharsets.UTF_8);
    System.out.println(err);
    List<String> answers = new ArrayList<>();
    r.stdout().lines.drainTo(answers);
    // the cancelled calls are not answered (the server's rule for a cancelled request)
    assertThat(answers).singleElement().asString().contains("\"id\":5", "Echo: as the input ends");
    assertThat(err)
        .contains("agora: stdin closed; cancelling 3 call(s) in flight")
        .contains("agora: closing; cancelled 3 call(s) in flight")
        .doesNotContain("re-initialized");

    CliTest.Result shown =
        CliTest.withData(
            dir.resolve("data"),
            "",
            "chain",
            "show",
            "--config",
            dir.resolve("agora.yaml").toString(),
            "--type",
            "CapabilityResult",
            "--capability",
            "mcp.everything.trigger-long-running-operation");
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out().lines().filter(l -> l.contains("cancelled")).count())
        .as(shown.out())
        .isEqualTo(3);
  }

  @Test
  void anUnknownContextStopsBeforeServing() {
    CliTest.Result r =
        CliTest.agora("mcp", "--config", CONFIG, "--as", "nobody", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("error: no security context 'nobody'");
  }

  @Test
  void theProcessStreamsAreTakenAsPlainFileStreamsAndTestStreamsAsTheyAre() {
    java.io.PrintStream mine = new java.io.PrintStream(new java.io.ByteArrayOutputStream());
    assertThat(McpCommand.stdout(mine)).isSameAs(mine);
    assertThat(McpCommand.stdout(System.out))
        .as("not System.out, whose writes wake a second carrier")
        .isNotSameAs(System.out)
        .isInstanceOf(java.io.BufferedOutputStream.class);
    java.io.InputStream in = new java.io.ByteArrayInputStream(new byte[0]);
    assertThat(McpCommand.stdin(in)).isSameAs(in);
    assertThat(McpCommand.stdin(System.in)).isNotSameAs(System.in);
  }

  private static void send(OutputStream client, String json) throws IOException {
    client.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    client.flush();
  }
}
