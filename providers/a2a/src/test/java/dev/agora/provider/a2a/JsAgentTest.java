package dev.agora.provider.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventType;
import dev.agora.chain.event.MemorySink;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.discovery.Bootstrap;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonObjects;
import dev.agora.provider.mcp.NodePeer;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two agents built on the official A2A JS SDK as upstreams, through the marketplace's one call
 * path: 1.3.0 (interop/a2a/agent.mjs, its 0.3 compatibility layer on) behind four sources — A2A 1.0
 * and 0.3, each over JSON-RPC and HTTP+JSON — and the pure 0.3 SDK 0.3.14 (agent03.mjs, a 0.3 card
 * at the older agent.json path) behind two — the card's preferred JSON-RPC, and HTTP+JSON. Each
 * does a message reply, a task with an artifact, a streamed task, input-required answered on the
 * same task, and a task that never ends, canceled at the deadline.
 */
@Timeout(300)
class JsAgentTest {

  static final List<String> SOURCES = List.of("j10", "r10", "j03", "r03", "p03", "p03r");

  @TempDir static Path dir;
  static NodePeer agent;
  static NodePeer agent03;
  static Marketplace market;
  static List<Bootstrap.SourceReport> reports;
  static final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
  static final MemorySink sink = new MemorySink(100_000);

  @BeforeAll
  static void start() throws Exception {
    agent = new NodePeer("a2a/agent.mjs");
    agent03 = new NodePeer("a2a/agent03.mjs");
    Path cfg = dir.resolve("agora.yaml");
    Files.writeString(
        cfg,
        """
        sources:
          - {name: j10, type: a2a, url: "%1$s", version: "1.0", binding: jsonrpc}
          - {name: r10, type: a2a, url: "%1$s", version: "1.0", binding: rest}
          - {name: j03, type: a2a, url: "%1$s", version: "0.3", binding: jsonrpc}
          - {name: r03, type: a2a, url: "%1$s", version: "0.3", binding: rest, poll: 50ms}
          - {name: p03, type: a2a, url: "%2$s"}
          - {name: p03r, type: a2a, url: "%2$s", binding: rest}
        policy:
          egress: {allow: ["*"], private: ["127.0.0.1"]}
        """
            .formatted(agent.base, agent03.base));
    AgoraConfig c = ConfigLoader.load(cfg).withStorage(AgoraConfig.Storage.MEMORY);
    market = Marketplace.builder().config(c).sink(sink).log(log::add).build();
    reports = market.bootstrap();
  }

  @AfterAll
  static void stop() {
    market.close();
    market.config().sources().forEach(s -> s.close());
    agent.close();
    agent03.close();
  }

  static Value call(String id, String input) {
    return market.call(CallRequest.of(id, Reader.readValue(input), SecurityContext.full("t")));
  }

  static String text(Value v, Object... path) {
    return JsonObjects.textAt(v, path);
  }

  static Value get(Value v, String key) {
    return ((Dict) v).get(key);
  }

  @Test
  void everySkillOfTheCardIsACapabilityOfEachSource() {
    for (String s : SOURCES) {
      for (String skill : List.of("reply", "task", "stream", "ask", "forever")) {
        assertThat(market.registry().get("a2a." + s + "." + skill)).as(s + " " + skill).isNotNull();
      }
    }
    assertThat(reports).allSatisfy(r -> assertThat(r.failure()).as(r.source()).isNull());
    // the interface each source chose: the one its config asks for, else the card's preferred
    List<String> expected =
        List.of(
            "1.0 JSON-RPC",
            "1.0 HTTP+JSON",
            "0.3 JSON-RPC",
            "0.3 HTTP+JSON",
            "0.3 JSON-RPC",
            "0.3 HTTP+JSON");
    for (int i = 0; i < SOURCES.size(); i++) {
      Value chosen =
          market.registry().get("a2a." + SOURCES.get(i) + ".reply").metadata().get("a2a");
      assertThat(text(chosen, "interface")).as(SOURCES.get(i)).startsWith(expected.get(i) + " at ");
    }
    // the pure 0.3 agent serves its card at the older /.well-known/agent.json only
    assertThat(text(market.registry().get("a2a.p03.reply").metadata().get("a2a"), "agent"))
        .isEqualTo("interop-agent-03");
  }

  @Test
  void aMessageReplyIsTheResult() {
    for (String s : SOURCES) {
      Value r = call("a2a." + s + ".reply", "{:text \"hi there\" :data {:n 1}}");
      assertThat(get(r, "text")).as(s).isEqualTo(Value.of("echo: hi there"));
      assertThat(get(r, "state")).as(s).isEqualTo(Value.keyword("completed"));
      assertThat(Json.write(get(r, "data"))).as(s).isEqualTo("{\"got\":{\"n\":1}}");
    }
  }

  @Test
  void aTaskEndsWithItsArtifactsWhetherStreamedOrNot() {
    for (String s : SOURCES) {
      for (String skill : List.of("task", "stream")) {
        Value r = call("a2a." + s + "." + skill, "{:text \"sum\" :data {:xs [1 2 3]}}");
        assertThat(get(r, "state")).as(s + " " + skill).isEqualTo(Value.keyword("completed"));
        assertThat(get(r, "text")).as(s + " " + skill).isEqualTo(Value.of("done: sum"));
        assertThat(Json.write(get(r, "data"))).isEqualTo("{\"sum\":6}");
        assertThat(get(r, "task-id")).isInstanceOf(Value.Str.class);
        assertThat(Json.write(get(r, "artifacts"))).contains("\"name\":\"result\"");
      }
    }
  }

  @Test
  void inputRequiredIsAResultThePlanAnswersOnTheSameTask() {
    for (String s : SOURCES) {
      Value asked = call("a2a." + s + ".ask", "{:text \"book it\"}");
      assertThat(get(asked, "state")).as(s).isEqualTo(Value.keyword("input-required"));
      assertThat(get(asked, "text")).as(s).isEqualTo(Value.of("which one?"));
      String task = ((Value.Str) get(asked, "task-id")).value();
      String context = ((Value.Str) get(asked, "context-id")).value();
      Value done =
          call(
              "a2a." + s + ".ask",
              "{:text \"the red one\" :task-id \"" + task + "\" :context-id \"" + context + "\"}");
      assertThat(get(done, "state")).as(s).isEqualTo(Value.keyword("completed"));
      assertThat(get(done, "text")).as(s).isEqualTo(Value.of("thanks: the red one"));
      assertThat(get(done, "task-id")).isEqualTo(Value.of(task));
    }
  }

  @Test
  void aTaskThatNeverEndsIsCanceledAtTheDeadline() throws Exception {
    for (String s : SOURCES) {
      assertThatThrownBy(
              () ->
                  market.call(
                      CallRequest.of(
                              "a2a." + s + ".forever",
                              Reader.readValue("{:text \"wait\"}"),
                              SecurityContext.full("t"))
                          .withTimeout(Duration.ofMillis(800))))
          .as(s)
          .isInstanceOf(AgoraError.Timeout.class);
    }
    // the agent was told: it says so for each task canceled
    for (String s : SOURCES) {
      NodePeer told = s.startsWith("p03") ? agent03 : agent;
      assertThat(told.nextLine()).as(s + "\n" + String.join("\n", log)).startsWith("canceled ");
      // recorded once, as the timeout it was — not again when the cancel was sent or answered
      assertThat(
              sink.events(EventType.CapabilityResult).stream()
                  .filter(e -> ("a2a." + s + ".forever").equals(e.capabilityId())))
          .as(s)
          .singleElement()
          .satisfies(e -> assertThat(e.errorKind()).isEqualTo("Timeout"));
    }
  }

  @Test
  void twoHundredCallsAtOnceEachGetTheirOwnAnswer() throws Exception {
    long seed = System.nanoTime();
    System.out.println("JsAgentTest burst seed: " + seed);
    java.util.Random random = new java.util.Random(seed);
    int n = 200;
    String[] sources = new String[n];
    String[] skills = new String[n];
    for (int i = 0; i < n; i++) {
      sources[i] = SOURCES.get(random.nextInt(SOURCES.size()));
      skills[i] = random.nextBoolean() ? "reply" : "stream";
    }
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<java.util.concurrent.CompletableFuture<Value>> calls = new java.util.ArrayList<>();
    try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < n; i++) {
        int k = i;
        calls.add(
            java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                  try {
                    go.await();
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  return call("a2a." + sources[k] + "." + skills[k], "{:text \"n-" + k + "\"}");
                },
                threads));
      }
      go.countDown(); // all at once
      for (int i = 0; i < n; i++) {
        Value r = calls.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(get(r, "text"))
            .as("call %d (%s %s, seed %d)", i, sources[i], skills[i], seed)
            .isEqualTo(Value.of((skills[i].equals("reply") ? "echo: n-" : "done: n-") + i));
      }
    }
  }
}
