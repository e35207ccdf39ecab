package dev.agora.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agora.chain.event.EventSink;
import dev.agora.core.AgoraNode;
import dev.agora.core.config.AgoraConfig;
import dev.agora.core.config.ConfigLoader;
import dev.agora.core.spi.SessionStore;
import dev.agora.core.testing.Await;
import dev.agora.store.JdbcStore;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 2025-11-25 MCP session is not pinned to the node that opened it (issue 18): two real servers on
 * one store, a session opened on one is answered by the other — for its own caller only — goes on
 * when the node that opened it stops, takes hundreds of requests at once spread over both nodes,
 * and once ended (DELETE) on either is gone on every node.
 */
@Timeout(120)
class SessionMovesTest {

  static final String ALICE_KEY = "alice-key-secret";
  static final String BOB_KEY = "bob-key-secret";

  @TempDir Path dir;

  /** A node and its server, on the store in {@code dir}. */
  record Running(AgoraNode node, AgoraServer server) implements AutoCloseable {
    @Override
    public void close() {
      server.close();
      node.close();
    }
  }

  private Running start(String clusterYaml) throws Exception {
    return start(clusterYaml, "");
  }

  /**
   * A node whose cluster: section ends with {@code clusterYaml}, its server: with {@code
   * serverYaml}.
   */
  private Running start(String clusterYaml, String serverYaml) throws Exception {
    Path file = dir.resolve("agora.yaml");
    Files.writeString(
        file,
        """
        data_dir: data
        contexts:
          operator: {level: full}
        default_context: operator
        server:
          port: 0
          api_keys:
            - {name: alice, context: operator, sha256: "%s"}
            - {name: bob, context: operator, sha256: "%s"}
          limits:
            default: {calls_per_second: 1000000, bytes_per_second: 1GiB}
        %s
        cluster: {heartbeat: 1h, follow: 1h%s}
        """
            .formatted(
                GatewayFixture.sha(ALICE_KEY),
                GatewayFixture.sha(BOB_KEY),
                serverYaml,
                clusterYaml));
    AgoraConfig cfg = ConfigLoader.load(file);
    AgoraNode node = AgoraNode.open(cfg, EventSink.NONE, l -> {});
    node.marketplace().bootstrap();
    return new Running(node, AgoraServer.start(node, cfg, l -> {}));
  }

  private static McpHttp alice(Running r) {
    return McpHttp.withKey(r.server().url(), ALICE_KEY);
  }

  private static final String ECHO =
      McpHttp.request(
          4, "tools/call", "{\"name\":\"ccos.echo\",\"arguments\":{\"message\":\"hi\"}}");

  private static void answered(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"result\":{").doesNotContain("\"error\":{");
  }

  @Test
  void aSessionOpenedOnOneNodeIsAnsweredByTheOtherAndOutlivesTheNodeThatOpenedIt()
      throws Exception {
    Running two = start("");
    try (two) {
      String session;
      String untouched;
      try (Running one = start("")) {
        session = alice(one).initialise();
        untouched = alice(one).initialise();
        answered(alice(one).post(ECHO, session));
        answered(alice(two).post(ECHO, session));
        answered(alice(two).post(McpHttp.request(5, "tools/list", "{}"), session));

        HttpResponse<String> bob = McpHttp.withKey(two.server().url(), BOB_KEY).post(ECHO, session);
        assertThat(bob.statusCode()).as("another caller's session is none").isEqualTo(404);
        assertThat(alice(two).post(ECHO, "no-such-session").statusCode()).isEqualTo(404);
      } // node one stops: its sessions stay in the store
      answered(alice(two).post(ECHO, session));
      answered(alice(two).post(ECHO, untouched));
    }
  }

  @Test
  void aSessionEndedOnOneNodeIsGoneOnEveryNode() throws Exception {
    try (Running one = start("");
        Running two = start("")) {
      String session = alice(one).initialise();
      assertThat(McpHttp.send(alice(two).request(session).DELETE()).statusCode()).isEqualTo(200);
      assertThat(alice(two).post(ECHO, session).statusCode()).isEqualTo(404);
      try (Running three = start("")) {
        assertThat(alice(three).post(ECHO, session).statusCode())
            .as("not taken up: it was ended")
            .isEqualTo(404);
      }
    }
  }

  @Test
  void aNodeHoldingASessionEndedElsewhereFindsOutAtItsNextWordToTheStore() throws Exception {
    String idle = "  session_idle: 3s"; // a session in use says so every second
    try (Running one = start("", idle);
        Running two = start("", idle)) {
      String session = alice(one).initialise();
      answered(alice(two).post(ECHO, session));
      assertThat(McpHttp.send(alice(two).request(session).DELETE()).statusCode()).isEqualTo(200);
      Await.until(
          "node one, asking the store, finds the session ended",
          Duration.ofSeconds(20),
          () -> alice(one).post(ECHO, session).statusCode() == 404);
      assertThat(alice(one).post(ECHO, session).statusCode()).isEqualTo(404);
    }
  }

  /** Opens {@code session}'s event stream on {@code r}: answered once the stream is held. */
  private static HttpResponse<InputStream> listen(Running r, String session) throws Exception {
    HttpResponse<InputStream> stream =
        McpHttp.HTTP.send(
            alice(r).request(session).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    return stream;
  }

  @Test
  void aNodeWithMaxSessionsHeldLetsAQuietOneGoAndRefusesWhenNoneIs() throws Exception {
    try (Running one = start("");
        Running two = start("", "  max_sessions: 1")) {
      String mine = alice(two).initialise();
      String session = alice(one).initialise();
      answered(alice(two).post(ECHO, session)); // mine, quiet and in the store, was let go
      answered(alice(two).post(ECHO, mine)); // … and is taken up again, letting the other go
      HttpResponse<InputStream> stream = listen(two, mine); // mine is not quiet now
      try (InputStream in = stream.body()) {
        HttpResponse<String> full = alice(two).post(ECHO, session);
        assertThat(full.statusCode()).as("the session lives: not 404").isEqualTo(503);
        assertThat(full.body()).contains("server.max_sessions");
        answered(alice(one).post(ECHO, session));
      }
    }
  }

  @Test
  void aBurstOnAFullNodeIsAnswered503EachAndTheSessionLives() throws Exception {
    int requests = 200;
    try (Running one = start("");
        // a short keep-alive: the closed stream is noticed at its next one
        Running two = start("", "  max_sessions: 1\n  keep_alive: 200ms")) {
      String mine = alice(two).initialise();
      String session = alice(one).initialise();
      HttpResponse<InputStream> stream = listen(two, mine); // the one session two holds is busy
      try (InputStream in = stream.body()) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
          for (int i = 0; i < requests; i++) {
            answers.add(
                pool.submit(
                    () -> {
                      go.await(); // all at once, each taking the session up from the store
                      return alice(two).post(ECHO, session);
                    }));
          }
          go.countDown();
          for (Future<HttpResponse<String>> a : answers) {
            assertThat(a.get().statusCode()).as("no room, but the session lives").isEqualTo(503);
          }
        }
        answered(alice(one).post(ECHO, session));
        answered(alice(two).post(ECHO, mine));
      }
      Await.until(
          "two lets its quiet session go once the stream is closed, and takes the other up",
          Duration.ofSeconds(30),
          () -> alice(two).post(ECHO, session).statusCode() == 200);
    }
  }

  @Test
  void aDeleteTheStoreCannotKeepIsRefusedAndTheSessionGoesOn() throws Exception {
    try (Running one = start("")) {
      String session = alice(one).initialise();
      JdbcStore store = (JdbcStore) one.node().store();
      try (Connection c = store.connection();
          Statement st = c.createStatement()) {
        st.execute("ALTER TABLE mcp_sessions RENAME TO away");
        HttpResponse<String> refused = McpHttp.send(alice(one).request(session).DELETE());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("retry the DELETE");
        answered(alice(one).post(ECHO, session));
        st.execute("ALTER TABLE away RENAME TO mcp_sessions");
      }
      assertThat(McpHttp.send(alice(one).request(session).DELETE()).statusCode()).isEqualTo(200);
      assertThat(alice(one).post(ECHO, session).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aSessionListeningWithoutRequestsIsKeptAliveByItsStream() throws Exception {
    String fast = "  session_idle: 3s\n  keep_alive: 200ms"; // said every second, by the stream
    try (Running one = start("", fast);
        Running two = start("", fast)) {
      String session = alice(one).initialise();
      long opened = System.currentTimeMillis();
      HttpResponse<InputStream> stream = listen(one, session);
      try (InputStream in = stream.body()) {
        JdbcStore store = (JdbcStore) one.node().store();
        Await.until(
            "the stream says the session is in use past session_idle",
            Duration.ofSeconds(30),
            () -> seen(store, session) > opened + 3_500);
        answered(alice(two).post(ECHO, session));
      }
    }
  }

  /** When the store last heard of {@code session} (epoch millis), or 0. */
  private static long seen(JdbcStore store, String session) {
    SessionStore.Session s = store.sessions().find(SharedSessions.key(session));
    return s == null ? 0 : s.seen().toEpochMilli();
  }

  @Test
  void withSharedSessionsOffASessionStaysOnItsNode() throws Exception {
    try (Running one = start(", shared_sessions: false");
        Running two = start(", shared_sessions: false")) {
      String session = alice(one).initialise();
      answered(alice(one).post(ECHO, session));
      HttpResponse<String> elsewhere = alice(two).post(ECHO, session);
      assertThat(elsewhere.statusCode()).isEqualTo(404);
      assertThat(elsewhere.body()).contains("no MCP session with this Mcp-Session-Id");
    }
  }

  @Test
  void hundredsOfRequestsOnOneSessionAtOnceSpreadOverTwoNodes() throws Exception {
    int requests = 400;
    try (Running one = start("");
        Running two = start("")) {
      String session = alice(one).initialise();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int i = 0; i < requests; i++) {
          McpHttp client = alice(i % 2 == 0 ? one : two);
          String body =
              McpHttp.request(
                  i, "tools/call", "{\"name\":\"ccos.echo\",\"arguments\":{\"n\":" + i + "}}");
          answers.add(
              pool.submit(
                  () -> {
                    go.await(); // all at once, half of them to the node that never saw it open
                    return client.post(body, session);
                  }));
        }
        go.countDown();
        for (int i = 0; i < requests; i++) {
          HttpResponse<String> r = answers.get(i).get();
          answered(r);
          assertThat(r.body()).contains("\"id\":" + i + ",");
        }
      }
    }
  }
}
