package dev.agora.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.provider.mcp.Peers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: {@code ./agora mcp} ends within about a second of its input closing or of SIGTERM, with
 * calls in flight: they are cancelled and recorded in the Causal Chain, and the MCP server it
 * started — behind an {@code sh} launcher, as {@code npx} starts servers, with a grandchild that
 * ignores the end of its input — dies with it, every process of its tree. The time is printed; the
 * bound asserted (5 s) is only a generous one (it was 13.5 s, and SIGTERM left the chain without
 * the calls).
 */
@Timeout(240)
class McpLifecycleIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String AGORA = ROOT.resolve("agora").toString();
  private static final String SLOW = "mcp.everything.trigger-long-running-operation";
  private static final int IN_FLIGHT = 10;

  @TempDir Path dir;

  Path config;

  @BeforeEach
  void writeConfig() throws IOException {
    config = dir.resolve("agora.yaml");
    Files.writeString(
        config,
        """
        sources:
          - name: everything
            type: mcp
            command: sh
            args: ["-c", "sleep 600 & %s stdio"]
        contexts:
          operator: {level: full}
        default_context: operator
        data_dir: data
        """
            .formatted(Peers.exe("mcp-server-everything")));
  }

  @Test
  void closingStdinWithCallsInFlight() throws Exception {
    stopWithCallsInFlight(false);
  }

  @Test
  void sigtermWithCallsInFlight() throws Exception {
    stopWithCallsInFlight(true);
  }

  private void stopWithCallsInFlight(boolean sigterm) throws Exception {
    Process mcp =
        new ProcessBuilder(AGORA, "mcp", "--config", config.toString())
            .redirectError(dir.resolve("mcp.err").toFile())
            .start();
    try {
      OutputStream in = mcp.getOutputStream();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(mcp.getInputStream(), StandardCharsets.UTF_8));
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
      assertThat(out.readLine()).contains("\"id\":0", "\"serverInfo\"");
      send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      for (int id = 1; id <= IN_FLIGHT; id++) {
        send(in, call(id, SLOW, "{\"duration\":600,\"steps\":600}"));
      }
      // answered after the slow calls were read and handed on: they are in flight now
      send(in, call(IN_FLIGHT + 1, "mcp.everything.echo", "{\"message\":\"in flight\"}"));
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.contains("\"id\":" + (IN_FLIGHT + 1) + ","));
      assertThat(line).contains("Echo: in flight");

      List<ProcessHandle> children = mcp.descendants().toList();
      assertThat(children).as("sh, its sleep and the server").hasSizeGreaterThanOrEqualTo(3);
      long t0 = System.nanoTime();
      if (sigterm) { // not Process.destroy(), which also closes the pipes to the process
        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(mcp.pid())).start().waitFor())
            .isZero();
      } else {
        in.close();
      }
      assertThat(mcp.waitFor(60, TimeUnit.SECONDS)).isTrue();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      String err = Files.readString(dir.resolve("mcp.err"));
      System.out.println(
          "agora mcp with "
              + IN_FLIGHT
              + " calls in flight ended "
              + ms
              + " ms after "
              + (sigterm ? "SIGTERM" : "its stdin closed")
              + "\n"
              + err);
      assertThat(ms).as("ended within a generous bound").isLessThan(5_000);
      assertThat(mcp.exitValue()).isEqualTo(sigterm ? 128 + 15 : 0);
      assertThat(err)
          .contains(
              "agora: "
                  + (sigterm ? "SIGTERM" : "stdin closed")
                  + "; cancelling "
                  + IN_FLIGHT
                  + " call(s) in flight");
      for (ProcessHandle c : children) { // an orphan's new parent may reap it a little later
        c.onExit().get(30, TimeUnit.SECONDS);
        assertThat(c.isAlive()).as("child " + c.pid() + " " + c.info().command()).isFalse();
      }
    } finally {
      mcp.descendants().forEach(ProcessHandle::destroyForcibly);
      mcp.destroyForcibly();
    }

    String chain = ChainShown.results(config, SLOW);
    assertThat(chain.lines().filter(l -> l.toLowerCase().contains("cancel")))
        .as("every call in flight recorded as cancelled:\n" + chain)
        .hasSize(IN_FLIGHT);
    Process verify =
        new ProcessBuilder(AGORA, "chain", "verify", "--config", config.toString())
            .redirectErrorStream(true)
            .start();
    String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.waitFor())
        .as("the chain was closed with its checkpoint: " + verified)
        .isZero();
  }

  static String call(int id, String tool, String arguments) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + arguments
        + "}}";
  }

  static void send(OutputStream in, String line) throws IOException {
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }
}
