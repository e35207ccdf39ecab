package dev.agora.provider.mcp;

import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.spi.Downstream;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A marketplace configured from agora.yaml text, bootstrapped, with its log and events kept. */
final class McpFixture implements AutoCloseable {

  final Marketplace marketplace;

  /** Events, kept; every one also wakes whoever waits on this fixture. */
  final MemorySink events = new MemorySink(10_000);

  final List<String> log =
      new CopyOnWriteArrayList<>() {
        @Override
        public boolean add(String line) {
          boolean added = super.add(line);
          synchronized (McpFixture.this) {
            McpFixture.this.notifyAll();
          }
          return added;
        }
      };
  final List<Bootstrap.SourceReport> reports;

  McpFixture(Path dir, String yaml) throws IOException {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(file, yaml);
    AgoraConfig cfg = ConfigLoader.load(file).withStorage(AgoraConfig.Storage.MEMORY);
    marketplace =
        Marketplace.builder()
            .config(cfg)
            .sink(
                e -> {
                  events.accept(e);
                  synchronized (this) {
                    notifyAll();
                  }
                })
            .log(log::add)
            .build();
    reports = marketplace.bootstrap();
  }

  Value call(String id, String rtfsArgs) {
    return call(id, rtfsArgs, Downstream.NONE);
  }

  /** A call made by {@code client} (an MCP client of the gateway, as a test plays it). */
  Value call(String id, String rtfsArgs, Downstream client) {
    return marketplace.call(
        CallRequest.of(
                id,
                rtfsArgs == null ? Value.NIL : Reader.readValue(rtfsArgs),
                SecurityContext.full("test"))
            .withDownstream(client));
  }

  /**
   * Starts a call on a thread of its own — a caller the test can interrupt, as the server does when
   * its client cancels — whose failure goes to {@code thrown}.
   */
  Thread callOnThread(
      String id, String rtfsArgs, Downstream client, AtomicReference<Throwable> thrown) {
    return Thread.ofVirtual()
        .start(
            () -> {
              try {
                call(id, rtfsArgs, client);
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
  }

  McpSource source(String name) {
    return (McpSource)
        marketplace.config().sources().stream()
            .filter(s -> s.name().equals(name))
            .findFirst()
            .orElseThrow();
  }

  String logText() {
    return String.join("\n", log);
  }

  /**
   * Waits (up to {@code seconds}) until a log line contains {@code fragment}; the log is written by
   * other threads.
   */
  boolean awaitLog(String fragment, int seconds) throws InterruptedException {
    return awaitLog(fragment, 1, seconds);
  }

  /** Waits (up to {@code seconds}) until {@code count} log lines contain {@code fragment}. */
  synchronized boolean awaitLog(String fragment, int count, int seconds)
      throws InterruptedException {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    while (log.stream().filter(l -> l.contains(fragment)).count() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(left / 1_000_000 + 1);
    }
    return true;
  }

  /** Waits (up to 30 s) for the registry event of {@code id}; events arrive on other threads. */
  synchronized Event awaitEvent(EventType type, String id) throws InterruptedException {
    long end = System.nanoTime() + 30_000_000_000L;
    while (true) {
      for (Event e : events.events(type)) {
        if (id.equals(e.capabilityId())) {
          return e;
        }
      }
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("no " + type + " for " + id + "; log: " + logText());
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public void close() {
    marketplace.close();
    marketplace.config().sources().forEach(s -> s.close());
  }
}
