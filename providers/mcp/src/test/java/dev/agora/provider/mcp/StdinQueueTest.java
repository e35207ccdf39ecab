package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The server's stdin is written by one writer thread from a bounded queue: a sender never blocks on
 * the pipe; when the queue is full it waits for room (until its {@code timeout}, or until it gives
 * up), and once the server could not be written it is stopped and every later send fails at once,
 * saying why. The server here is {@code sleep}: it never reads its input.
 */
class StdinQueueTest {

  private final List<String> log = new CopyOnWriteArrayList<>();

  private StdioTransport deaf(Duration timeout) {
    StdioTransport t =
        new StdioTransport(
            Scripted.stdio("deaf", "sleep", List.of("600"), timeout),
            McpJsonDefaults.getMapper(),
            log::add,
            () -> log.add("exited"));
    t.connect(in -> Mono.empty()).block();
    return t;
  }

  private static McpSchema.JSONRPCNotification line(int i) {
    return new McpSchema.JSONRPCNotification(
        McpSchema.JSONRPC_VERSION,
        "notifications/message",
        Map.of("n", i, "pad", "x".repeat(2000)));
  }

  /** Sends until the pipe and the queue are full: the next send would wait for room. */
  private static void fill(StdioTransport t) {
    for (int i = 0; i < 100_000; i++) {
      t.sendMessage(line(i)).block(); // never waits: the queue had room
      if (t.queued() == StdioTransport.QUEUED) {
        return;
      }
    }
    throw new AssertionError("the queue never filled");
  }

  @Test
  void aSenderWaitsForRoomUntilItGivesUp() throws Exception {
    StdioTransport t = deaf(Duration.ofMinutes(5));
    try {
      fill(t);
      Attempt sender =
          Attempt.start(() -> t.sendMessage(line(1)).block())
              .blockedIn(Thread.State.TIMED_WAITING); // it waits for room
      sender.thread().interrupt();
      Attempt.Thrown failed = (Attempt.Thrown) sender.result();
      assertThat(failed.interrupted()).as("the interrupt was kept").isTrue();
      assertThat(failed.thrown())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("MCP server 'deaf' does not read its input: 4096 messages wait for it");
    } finally {
      t.close();
    }
  }

  @Test
  void aServerThatCannotBeWrittenIsStoppedAndLaterSendsSayWhy() throws Exception {
    StdioTransport t = deaf(Duration.ofMillis(300));
    try {
      for (int i = 0; i < 1_000; i++) { // more than the pipe takes: the writer waits on it
        t.sendMessage(line(i)).block();
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!log.contains("exited")) {
        assertThat(System.nanoTime()).as("stopped for not reading: %s", log).isLessThan(until);
        Thread.sleep(10); // polls a state, not a synchronisation
      }
      assertThat(log)
          .contains("mcp deaf: the server has not read its input for 300 ms; stopping it")
          .anyMatch(l -> l.startsWith("mcp deaf: cannot write to MCP server 'deaf': "));
      assertThatThrownBy(() -> t.sendMessage(line(0)).block())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot write to MCP server 'deaf': ")
          .hasMessageNotContaining("messages wait");
    } finally {
      t.close();
    }
  }

  @Test
  void aServerThatReadsSlowlyButSteadilyIsNotTakenForOneThatStopped() throws Exception {
    StdioTransport t =
        new StdioTransport(
            Scripted.stdio(
                "slow",
                "sh",
                List.of("-c", "while read -r l; do sleep 0.002; done"),
                Duration.ofSeconds(1)), // a busy machine can stall one read for 300 ms
            McpJsonDefaults.getMapper(),
            log::add,
            () -> log.add("exited"));
    t.connect(in -> Mono.empty()).block();
    try {
      long start = System.nanoTime();
      for (int i = 0; i < 1000; i++) { // ~2 MiB: the pipe holds a tiny part of it
        t.sendMessage(line(i)).block();
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (t.queued() > 0) {
        assertThat(System.nanoTime()).as("drained: %s", log).isLessThan(until);
        Thread.sleep(10); // polls a state, not a synchronisation
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("the backlog took longer than the timeout to write")
          .isGreaterThan(Duration.ofSeconds(1));
      assertThat(log).as("each line was taken within the timeout").isEmpty();
      assertThat(t.pid()).isPositive();
      assertThat(ProcessHandle.of(t.pid()).map(ProcessHandle::isAlive)).contains(true);
    } finally {
      t.close();
    }
  }
}
