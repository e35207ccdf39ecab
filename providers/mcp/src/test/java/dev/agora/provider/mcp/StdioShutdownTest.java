package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.core.error.AgoraError;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: a stdio MCP server started through a launcher ({@code sh -c}, as {@code npx} does)
 * stops with Agora — every process of its tree, a call in flight cancelled, and no new server
 * started for that call — whether Agora closes in order or its JVM exits ({@link
 * StdioTransport#reap}).
 */
@Timeout(120)
class StdioShutdownTest {

  @TempDir Path dir;

  /** server-everything behind {@code sh}, with a grandchild that ignores the end of input. */
  private McpFixture launched() throws Exception {
    return new McpFixture(
        dir,
        """
        sources:
          - name: everything
            type: mcp
            protocol: 2025-11-25   # no era probe: one server started, and only one
            command: sh
            args: ["-c", "sleep 300 & %s stdio"]
        """
            .formatted(Peers.exe("mcp-server-everything")));
  }

  private static List<ProcessHandle> tree(McpFixture m) {
    List<ProcessHandle> tree =
        ProcessTree.tree(ProcessHandle.of(m.source("everything").connection().pid()).orElseThrow());
    assertThat(tree).as("sh, sleep and the server").hasSizeGreaterThanOrEqualTo(3);
    return tree;
  }

  private static CompletableFuture<Throwable> longCall(McpFixture m) {
    McpConnection c = m.source("everything").connection();
    CompletableFuture<Throwable> call =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                m.call("mcp.everything.trigger-long-running-operation", "{:duration 60 :steps 60}");
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    while (c.inFlight() == 0 && !call.isDone()) { // until the request is on the wire
      Thread.onSpinWait();
    }
    return call;
  }

  @Test
  void closingCancelsTheCallAndStopsTheWholeTreeWithoutStartingAnother() throws Exception {
    McpFixture m = launched();
    List<ProcessHandle> tree = tree(m);
    CompletableFuture<Throwable> call = longCall(m);

    long t0 = System.nanoTime();
    m.close();
    System.out.println(
        "closed with a call in flight in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

    assertThat(tree).noneMatch(ProcessTree::running);
    assertThat(call.get(60, TimeUnit.SECONDS))
        .isInstanceOf(AgoraError.class)
        .hasMessageContaining("cancelled");
    // the server may or may not have been sent notifications/cancelled before its input closed: it
    // is stopped either way
    assertThat(m.logText()).doesNotContain("re-initialized");
    assertThat(m.log).filteredOn(l -> l.contains("Starting default")).as("one server").hasSize(1);
    assertThat(m.source("everything").connection().pid()).isEqualTo(-1);
  }

  @Test
  void theShutdownHookKillsTheTreesOfServersNotClosedInTime() throws Exception {
    McpFixture m = launched();
    List<ProcessHandle> tree = tree(m);
    CompletableFuture<Throwable> call = longCall(m);

    long t0 = System.nanoTime();
    StdioTransport.reap(); // as at JVM exit, nobody closing the marketplace
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("reaped after " + ms + " ms");

    assertThat(ms).isGreaterThanOrEqualTo(StdioTransport.ORDERLY.toMillis());
    assertThat(tree).noneMatch(ProcessTree::running);
    assertThat(call.get(60, TimeUnit.SECONDS)).isInstanceOf(AgoraError.class);
    m.close();
  }

  @Test
  void theShutdownHookReturnsAtOnceWhenEveryServerIsStopped() throws Exception {
    McpFixture m = launched();
    List<ProcessHandle> tree = tree(m);
    m.close();
    long t0 = System.nanoTime();
    StdioTransport.reap();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("reaped nothing in " + ms + " ms");
    assertThat(ms).isLessThan(StdioTransport.ORDERLY.toMillis());
    assertThat(tree).noneMatch(ProcessTree::running);
  }
}
