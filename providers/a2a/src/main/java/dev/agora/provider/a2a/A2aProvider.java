package dev.agora.provider.a2a;

import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.ArtifactUpdate;
import dev.agora.a2a.A2a.Event;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.StatusUpdate;
import dev.agora.a2a.A2a.Task;
import dev.agora.core.discovery.Scrub;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Value;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Executes {@code provider: {type: a2a, agent: NAME, skill: SKILL}} capabilities: sends the call's
 * message to the agent its source connected, then follows the task — on the agent's event stream
 * when it streams, else by asking for the task until it ends — to a result (see {@link Results}).
 * {@code input-required} and {@code auth-required} are results too, with the task id to answer on;
 * {@code failed}, {@code canceled} and {@code rejected} are ProviderErrors carrying the agent's
 * words. The deadline is kept here: when it passes the remote task is canceled (CancelTask, on its
 * own thread, not waited for) and the call is a Timeout. Each status the task goes through is
 * progress for a caller that asked for it (an MCP client's progress token).
 */
public final class A2aProvider implements Provider {

  private final Map<String, Agent> agents = new ConcurrentHashMap<>();
  private volatile HttpClient http;
  private volatile Consumer<String> log = line -> {};

  @Override
  public String type() {
    return "a2a";
  }

  @Override
  public void start(Consumer<String> l) {
    this.log = l;
  }

  /** The shared client, made when first needed (TLS set-up is not free). */
  HttpClient http() {
    HttpClient c = http;
    return c != null ? c : made();
  }

  private synchronized HttpClient made() {
    if (http == null) {
      http =
          HttpClient.newBuilder()
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    }
    return http;
  }

  void connect(Agent a) {
    agents.put(a.name(), a);
    log.accept(
        "a2a: agent '"
            + a.name()
            + "' ("
            + a.card().name()
            + ") via "
            + a.wire().iface().describe()
            + ", "
            + a.card().skills().size()
            + " skill(s)"
            + (a.card().streaming() ? ", streaming" : "")
            + (a.signer() == null ? "" : ", card signed by " + a.signer().kid())
            + (a.signer() == null || a.signer().authority() == null
                ? ""
                : " (authority '" + a.signer().authority() + "')"));
  }

  /**
   * Says something is amiss with an agent, where the node's messages go: on one line, scrubbed of
   * the agent's secrets and anything that looks like one, cut short (the text may come from its
   * card).
   */
  void warn(String line, Agent.Auth auth) {
    log.accept("a2a: warning: " + Scrub.text(line.replaceAll("[\\r\\n]+", " "), auth.secrets()));
  }

  void disconnect(Agent a) {
    agents.remove(a.name(), a);
  }

  /** The deadline is kept here: every wait is bounded by what is left of it. */
  @Override
  public boolean keepsDeadline(CapabilityManifest manifest) {
    return true;
  }

  @Override
  public Value execute(CapabilityManifest manifest, Value input, CallContext call)
      throws InterruptedException {
    String id = manifest.id();
    ProviderSpec.A2a spec = (ProviderSpec.A2a) manifest.provider();
    Agent agent = agents.get(spec.agent());
    if (agent == null) {
      throw new AgoraError.ProviderError(
          id,
          "the A2A agent '" + spec.agent() + "' is not connected (its source did not load)",
          null);
    }
    call.usedSecrets(agent.auth().secrets());
    call.egress().check(id, agent.wire().iface().url());
    Follow f = new Follow(id, agent, call, log);
    try {
      return f.run(Results.message(input, spec.skill()));
    } catch (TimeoutException e) {
      f.cancelRemote();
      throw new AgoraError.Timeout(id, call.timeout());
    } catch (InterruptedException e) {
      f.cancelRemote();
      throw e;
    } catch (Wire.Failure e) {
      String message = "agent '" + agent.name() + "': " + e.getMessage();
      throw e.transientFailure
          ? AgoraError.ProviderError.transientFailure(id, message, null)
          : new AgoraError.ProviderError(id, message, null);
    }
  }

  /** One call's task, as far as it has been followed. */
  private static final class Follow {
    private final String id;
    private final Agent agent;
    private final CallContext call;
    private final Consumer<String> log;
    private final long deadline;
    private String taskId;
    private String contextId;
    private State state;
    private Message said;
    private final Map<String, Artifact> artifacts = new LinkedHashMap<>();
    private int steps;

    Follow(String id, Agent agent, CallContext call, Consumer<String> log) {
      this.id = id;
      this.agent = agent;
      this.call = call;
      this.log = log;
      this.deadline = System.nanoTime() + call.remaining().toNanos();
    }

    private Duration left() throws TimeoutException {
      long n = deadline - System.nanoTime();
      if (n <= 0) {
        throw new TimeoutException();
      }
      return Duration.ofNanos(n);
    }

    Value run(Message m) throws Wire.Failure, InterruptedException, TimeoutException {
      Wire wire = agent.wire();
      if (agent.card().streaming()) {
        Sse events = wire.stream(m, left());
        boolean answered = false;
        try {
          for (Event e = events.next(left()); e != null; e = events.next(left())) {
            if (take(e, true)) {
              answered = true;
              return result();
            }
          }
        } finally {
          if (answered) {
            events.finish(); // read to its end (Sse.finish): the connection stays usable
          } else {
            events.close();
          }
        }
        if (taskId == null) {
          throw new Wire.Failure("the agent's stream ended before it said anything", true);
        }
        if (waiting(state)) {
          return result(); // the stream ends when the task waits for its caller
        }
      } else if (take(wire.send(m, left()), false)) {
        return result();
      }
      // the stream ended early, or the agent does not stream: ask until the task is done
      Duration every = agent.settings().poll();
      while (true) {
        Thread.sleep(Math.min(every.toMillis(), left().toMillis()));
        if (take(wire.get(taskId, left()), false)) {
          return result();
        }
      }
    }

    private static boolean waiting(State s) {
      return s == State.INPUT_REQUIRED || s == State.AUTH_REQUIRED;
    }

    /**
     * Takes in an event; true once the call has its answer. On a stream, a task snapshot that waits
     * for input is not yet the answer: the status update saying what the agent asks follows it.
     */
    private boolean take(Event e, boolean streaming) {
      switch (e) {
        case Message msg -> {
          said = msg;
          state = State.COMPLETED;
          contextId = msg.contextId() != null ? msg.contextId() : contextId;
          taskId = msg.taskId() != null ? msg.taskId() : taskId;
          return true; // a message is the agent's whole answer
        }
        case Task t -> {
          taskId = t.id();
          contextId = t.contextId();
          t.artifacts().forEach(a -> artifacts.put(key(a), a));
          boolean done = moved(t.state(), t.status());
          return done && (t.state().terminal() || !streaming || t.status() != null);
        }
        case StatusUpdate u -> {
          taskId = u.taskId() != null ? u.taskId() : taskId;
          contextId = u.contextId() != null ? u.contextId() : contextId;
          return moved(u.state(), u.status());
        }
        case ArtifactUpdate u -> {
          Artifact a = u.artifact();
          Artifact had = artifacts.get(key(a));
          if (u.append() && had != null) {
            List<dev.agora.a2a.A2a.Part> parts = new ArrayList<>(had.parts());
            parts.addAll(a.parts());
            a = new Artifact(had.artifactId(), had.name(), parts);
          }
          artifacts.put(key(a), a);
          return false;
        }
      }
    }

    private static String key(Artifact a) {
      return a.artifactId() != null ? a.artifactId() : "#" + a.name();
    }

    private boolean moved(State next, Message status) {
      state = next;
      if (status != null) {
        said = status;
      }
      call.downstream()
          .progress(
              ++steps,
              null,
              "task "
                  + taskId
                  + ": "
                  + next.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                  + (status == null ? "" : " — " + text(status)));
      return next.terminal() || waiting(next);
    }

    private static String text(Message m) {
      return Results.text(m.parts());
    }

    private Value result() {
      if (state == State.FAILED || state == State.CANCELED || state == State.REJECTED) {
        String words = said == null ? "" : ": " + text(said);
        String message =
            "agent '"
                + agent.name()
                + "': task "
                + taskId
                + " "
                + state.name().toLowerCase(java.util.Locale.ROOT)
                + words;
        throw state == State.REJECTED
            ? AgoraError.ProviderError.refused(id, message, null)
            : new AgoraError.ProviderError(id, message, null);
      }
      return Results.result(state, taskId, contextId, said, List.copyOf(artifacts.values()));
    }

    /** Asks the agent to cancel the task this call started, without waiting for its answer. */
    void cancelRemote() {
      String t = taskId;
      if (t == null || state.terminal()) {
        return;
      }
      Thread.ofVirtual()
          .name("a2a-cancel-" + t)
          .start(
              () -> {
                try {
                  agent.wire().cancel(t, Duration.ofSeconds(5));
                } catch (InterruptedException | TimeoutException | Wire.Failure e) {
                  // the agent may have finished, or be gone: said, not thrown (the call is over);
                  // the log is no call's result, so the call path cannot redact it: done here
                  log.accept(
                      "a2a: could not cancel task "
                          + t
                          + " of agent '"
                          + agent.name()
                          + "' after "
                          + id
                          + " ran out of time: "
                          + agent.auth().secrets().redact(Wire.describe(e)));
                }
              });
    }
  }
}
