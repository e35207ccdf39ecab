package dev.agora.server;

import dev.agora.a2a.A2a;
import dev.agora.a2a.A2a.PushConfig;
import dev.agora.a2a.A2a.Version;
import dev.agora.a2a.A2aCodec;
import dev.agora.core.call.policy.Egress;
import dev.agora.core.spi.Redactor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers a task's changes to the webhooks its caller registered: a POST of the 1.0 {@code
 * StreamResponse} (a status or artifact update) or, for a config made over 0.3, of the Task, with
 * {@code Authorization: <scheme> <credentials>} and {@code X-A2A-Notification-Token} when given. At
 * least once and in order: a failed delivery (no 2xx in 10 s) is tried twice more, a second and
 * then four seconds later, and a config's next event waits until its previous one is delivered or
 * given up (each config has its own queue, so a slow webhook delays only its own). Webhook URLs
 * pass {@code policy.egress} when registered and again when sent, so a caller cannot make the node
 * reach an address policy keeps it from.
 */
final class A2aPush {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int ATTEMPTS = 3;

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final Egress egress;
  private final Consumer<String> log;

  /** Per config (task id and config id): its last delivery, which the next one waits for. */
  private final Map<String, CompletableFuture<Void>> queues = new ConcurrentHashMap<>();

  private static final Executor SENDERS =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("agora-a2a-push").factory());

  A2aPush(Egress egress, Consumer<String> log) {
    this.egress = egress;
    this.log = log;
  }

  /** Checks a webhook URL against the egress policy; the reason when it may not be used. */
  void check(String url) {
    try {
      egress.check("a2a.push", URI.create(url));
    } catch (IllegalArgumentException e) {
      throw A2aCodec.invalid("the push url is not a URL: " + e.getMessage());
    } catch (RuntimeException e) { // AccessDenied, or a host that does not resolve
      throw A2aCodec.invalid("the push url may not be used: " + e.getMessage());
    }
  }

  /**
   * Sends what happened ({@code event}) to {@code c}'s webhook, in the background and after the
   * config's earlier events (the URL's check resolves its host: never while the task's state is
   * held).
   */
  void deliver(PushConfig c, A2aTasks.Event event) {
    Version v = c.version();
    byte[] body =
        Rpc.bytes(
            v == Version.V03
                ? A2aCodec.write(event.task(), v, 0, true)
                : event instanceof A2aTasks.ArtifactAdded a
                    ? A2aCodec.artifactUpdate(a.task(), a.artifact(), v)
                    : A2aCodec.statusUpdate(event.task(), v));
    String key = c.taskId() + "\n" + c.id();
    CompletableFuture<Void> queued =
        queues.compute(
            key,
            (k, before) ->
                (before == null ? CompletableFuture.<Void>completedFuture(null) : before)
                    .thenComposeAsync(done -> safely(c, body), SENDERS));
    queued.whenComplete((done, err) -> queues.remove(key, queued)); // the last one cleans up
  }

  /** The tries of one event, ending normally whatever happens, so the queue goes on after it. */
  private CompletableFuture<Void> safely(PushConfig c, byte[] body) {
    try {
      return attempt(c, body, 1).exceptionally(e -> unsent(c, e));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(unsent(c, e));
    }
  }

  /** Logs why a push was not sent, with the config's credentials and token never in the line. */
  private Void unsent(PushConfig c, Throwable e) {
    Redactor secrets = Redactor.NONE.with("credentials", c.credentials()).with("token", c.token());
    log.accept(
        "agora: a2a push to task " + c.taskId() + " not sent: " + secrets.redact(e.toString()));
    return null;
  }

  /** One try and, when it fails, the ones after it; completes when done. */
  private CompletableFuture<Void> attempt(PushConfig c, byte[] body, int n) {
    HttpRequest.Builder b;
    try {
      check(c.url());
      b =
          HttpRequest.newBuilder(URI.create(c.url()))
              .timeout(TIMEOUT)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    } catch (A2a.Failure e) {
      log.accept("agora: a2a push to task " + c.taskId() + " not sent: " + e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    if (c.scheme() != null) {
      b.header(
          "Authorization", c.scheme() + (c.credentials() == null ? "" : " " + c.credentials()));
    }
    if (c.token() != null) {
      b.header("X-A2A-Notification-Token", c.token());
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
        .handle(
            (res, err) -> {
              if (err == null && res.statusCode() / 100 == 2) {
                return CompletableFuture.<Void>completedFuture(null);
              }
              if (n < ATTEMPTS) {
                return CompletableFuture.<Void>supplyAsync(
                        () -> null,
                        CompletableFuture.delayedExecutor(
                            1L << (2 * (n - 1)), TimeUnit.SECONDS, SENDERS))
                    .thenCompose(later -> attempt(c, body, n + 1));
              } else {
                log.accept(
                    "agora: a2a push to task "
                        + c.taskId()
                        + " failed "
                        + ATTEMPTS
                        + " times: "
                        + (err == null ? "HTTP " + res.statusCode() : err.toString()));
              }
              return CompletableFuture.<Void>completedFuture(null);
            })
        .thenCompose(next -> next);
  }
}
