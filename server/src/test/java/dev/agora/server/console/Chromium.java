package dev.agora.server.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A headless Chromium (Debian's {@code /usr/bin/chromium}) driven over the DevTools protocol: a
 * tiny client on the JDK's WebSocket — commands with their answers, events waited for, nothing
 * slept. Fails loudly when the browser cannot start.
 */
final class Chromium implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/chromium");

  /** How long a command, a page load or a condition in a page may take. */
  static final long TIMEOUT_SECONDS = 30;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Process process;
  private final Deque<String> stderr;
  private final Map<Integer, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();

  /** Each tab's lifecycle events (Page.lifecycleEvent), as they come. */
  private final Map<String, BlockingQueue<JsonNode>> lifecycles = new ConcurrentHashMap<>();

  private final AtomicInteger ids = new AtomicInteger();
  private final WebSocket socket;

  private Chromium(Process process, String url, Deque<String> stderr) throws Exception {
    this.process = process;
    this.stderr = stderr;
    this.socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create(url), new Listener())
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Starts the browser with a profile in {@code profile}. */
  static Chromium start(Path profile) throws Exception {
    Process p =
        new ProcessBuilder(
                BINARY.toString(),
                "--headless=new",
                "--no-sandbox", // the tests may run as root, where Chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                "--window-size=1280,900",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    CompletableFuture<String> url = new CompletableFuture<>();
    Deque<String> lines = new ConcurrentLinkedDeque<>();
    Thread.ofVirtual()
        .start(
            () -> { // reads stderr to its end, so the browser never blocks on a full pipe
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                  if (lines.size() > 50) {
                    lines.poll();
                  }
                  if (line.startsWith("DevTools listening on ")) {
                    url.complete(line.substring("DevTools listening on ".length()).strip());
                  }
                }
              } catch (IOException e) {
                url.completeExceptionally(e);
              }
              url.completeExceptionally(
                  new IllegalStateException(
                      "chromium ended without a DevTools URL (exit "
                          + p.exitValue()
                          + "):\n"
                          + String.join("\n", lines)));
            });
    try {
      return new Chromium(p, url.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), lines);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException(
          "headless Chromium did not start (" + BINARY + "): " + String.join("\n", lines), e);
    }
  }

  /** Sends a command (to a page's session, or the browser for null) and returns its result. */
  JsonNode send(String session, String method, Map<String, ?> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    answers.put(id, answer);
    Map<String, Object> message = new java.util.LinkedHashMap<>();
    message.put("id", id);
    message.put("method", method);
    message.put("params", params);
    if (session != null) {
      message.put("sessionId", session);
    }
    synchronized (socket) {
      socket
          .sendText(JSON.writeValueAsString(message), true)
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    JsonNode reply;
    try {
      reply = answer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(method + " got no answer; chromium said:\n" + stderr, e);
    }
    if (reply.has("error")) {
      throw new IllegalStateException(method + " failed: " + reply.get("error"));
    }
    return reply.get("result");
  }

  /** A new tab, attached. */
  Tab open() throws Exception {
    String target =
        send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asString();
    String session =
        send(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
            .get("sessionId")
            .asString();
    Tab tab = new Tab(this, session);
    lifecycles.put(session, new LinkedBlockingQueue<>());
    send(session, "Page.enable", Map.of());
    send(session, "Page.setLifecycleEventsEnabled", Map.of("enabled", true));
    send(session, "Runtime.enable", Map.of());
    return tab;
  }

  private void receive(String text) {
    JsonNode m = JSON.readTree(text);
    if (m.has("id")) {
      CompletableFuture<JsonNode> f = answers.remove(m.get("id").asInt());
      if (f != null) {
        f.complete(m);
      }
      return;
    }
    if (m.path("method").asString("").equals("Page.lifecycleEvent")) {
      BlockingQueue<JsonNode> q = lifecycles.get(m.path("sessionId").asString(""));
      if (q != null) {
        q.add(m.get("params"));
      }
    }
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        receive(text);
      }
      ws.request(1);
      return null;
    }
  }

  /** One tab: navigation, script, screenshots. */
  static final class Tab {
    private final Chromium browser;
    private final String session;

    private Tab(Chromium browser, String session) {
      this.browser = browser;
      this.session = session;
    }

    /** Runs {@code script} in every document before its own scripts (CSP does not apply). */
    void beforeEachDocument(String script) throws Exception {
      browser.send(session, "Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
    }

    /** Goes to {@code url} and returns once that document fired its load event. */
    void navigate(String url) throws Exception {
      JsonNode r = browser.send(session, "Page.navigate", Map.of("url", url));
      if (r.has("errorText")) {
        throw new AssertionError("cannot open " + url + ": " + r.get("errorText"));
      }
      String loader = r.get("loaderId").asString();
      awaitLoad(loader::equals);
    }

    /**
     * Runs {@code script}, which makes the page load another document (a click on a link or a
     * submit button), and returns once that document fired its load event.
     */
    void loadBy(String script) throws Exception {
      String before =
          browser
              .send(session, "Page.getFrameTree", Map.of())
              .path("frameTree")
              .path("frame")
              .path("loaderId")
              .asString();
      eval(script);
      awaitLoad(loader -> !loader.equals(before));
    }

    /** Waits for a load lifecycle event of a document {@code loader} accepts. */
    private void awaitLoad(Predicate<String> loader) throws InterruptedException {
      BlockingQueue<JsonNode> events = browser.lifecycles.get(session);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (true) {
        JsonNode e = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (e == null) {
          throw new AssertionError("no page loaded within " + TIMEOUT_SECONDS + " s");
        }
        if (e.path("name").asString("").equals("load")
            && loader.test(e.path("loaderId").asString(""))) {
          return;
        }
      }
    }

    /** The value of {@code expression} (a promise is awaited); a thrown error fails. */
    JsonNode eval(String expression) throws Exception {
      JsonNode r =
          browser.send(
              session,
              "Runtime.evaluate",
              Map.of("expression", expression, "awaitPromise", true, "returnByValue", true));
      if (r.has("exceptionDetails")) {
        throw new AssertionError(
            "the page threw: " + r.get("exceptionDetails").path("exception") + " in " + expression);
      }
      return r.path("result").path("value");
    }

    String text(String expression) throws Exception {
      return eval(expression).asString();
    }

    /**
     * Waits until {@code condition} (a JavaScript expression) is truthy in the page, checking it as
     * the page changes; fails after the timeout naming the condition.
     */
    JsonNode waitFor(String condition) throws Exception {
      return eval(
          """
          new Promise((resolve, reject) => {
            const deadline = Date.now() + %d;
            const check = () => {
              let v;
              try { v = (%s); } catch (e) { v = undefined; }
              if (v) { observer.disconnect(); resolve(v); return true; }
              if (Date.now() > deadline) {
                observer.disconnect();
                reject(new Error('timed out waiting for ' + %s));
                return true;
              }
              return false;
            };
            const observer = new MutationObserver(check);
            if (!check()) {
              observer.observe(document, {subtree: true, childList: true, attributes: true,
                  characterData: true});
              setTimeout(check, %d);
            }
          })
          """
              .formatted(
                  TIMEOUT_SECONDS * 1000,
                  condition,
                  JSON.writeValueAsString(condition),
                  TIMEOUT_SECONDS * 1000 + 10));
    }

    byte[] screenshot() throws Exception {
      String png =
          browser
              .send(session, "Page.captureScreenshot", Map.of("format", "png"))
              .get("data")
              .asString();
      return Base64.getDecoder().decode(png);
    }
  }

  @Override
  public void close() throws Exception {
    // no answer awaited: the browser may close the socket first
    try {
      synchronized (socket) {
        socket
            .sendText("{\"id\":0,\"method\":\"Browser.close\",\"params\":{}}", true)
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      process.destroy();
    }
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
    socket.abort();
  }
}
