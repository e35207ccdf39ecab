package dev.agora.server;

import dev.agora.a2a.A2a;
import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.Data;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.Part;
import dev.agora.a2a.A2a.PushConfig;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.Task;
import dev.agora.a2a.A2a.Text;
import dev.agora.a2a.A2aCodec;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.json.Json;
import dev.agora.core.json.JsonException;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.spi.Downstream;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.reader.Reader;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What Agora's agent endpoint runs: each incoming message is one call of the capability its {@code
 * metadata.skillId} names, on the one call path as the caller. A call that ends within {@code
 * server.a2a.task_after} is answered with a Message (the result as a data part and as JSON text); a
 * longer one becomes a Task — working, then completed, failed, rejected (denied) or canceled — that
 * its caller (and only its caller) can get, list, cancel, subscribe to and have pushed. Tasks are
 * kept in memory, at most {@code server.a2a.max_tasks}: the oldest finished ones make room; when
 * all are running a new message is refused, never queued.
 */
final class A2aTasks {

  /** Something that happened to a task, for its subscribers. */
  sealed interface Event {
    Task task();
  }

  record StatusChanged(Task task) implements Event {}

  record ArtifactAdded(Task task, Artifact artifact) implements Event {}

  private final Marketplace marketplace;
  private final ServerSettings.A2aSettings settings;
  private final A2aPush push;
  private final Map<String, Run> tasks = new ConcurrentHashMap<>();
  private final AtomicLong order = new AtomicLong();

  /** Told of each run that outlives {@code task_after} and becomes a Task (tests wait on it). */
  volatile Consumer<Run> becameTask = r -> {};

  A2aTasks(Marketplace marketplace, ServerSettings.A2aSettings settings, A2aPush push) {
    this.marketplace = marketplace;
    this.settings = settings;
    this.push = push;
  }

  /** One task: its state, what it produced, who may see it, who listens. */
  final class Run {
    final String id = UUID.randomUUID().toString();
    final String contextId;
    final String owner;
    final long seq = order.incrementAndGet();
    final List<Message> history = new CopyOnWriteArrayList<>();
    final List<Artifact> artifacts = new CopyOnWriteArrayList<>();
    final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    final Map<String, PushConfig> pushes = new ConcurrentHashMap<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile State state = State.SUBMITTED;
    volatile Message status;
    volatile String timestamp = Instant.now().toString();
    volatile Thread worker;
    volatile boolean cancelled;

    Run(String contextId, String owner) {
      this.contextId = contextId;
      this.owner = owner;
    }

    Task snapshot() {
      return new Task(id, contextId, state, status, timestamp, artifacts, history);
    }

    /** Moves to {@code next} with an optional agent message; tells listeners and push targets. */
    synchronized void move(State next, String text) {
      if (state.terminal()) {
        return;
      }
      state = next;
      timestamp = Instant.now().toString();
      status = text == null ? null : agent(List.of(new Text(text)), contextId, id);
      if (status != null && next.terminal()) {
        history.add(status);
      }
      publish(new StatusChanged(snapshot()));
      if (next.terminal()) {
        done.complete(null);
      }
    }

    void add(Artifact a) {
      artifacts.add(a);
      publish(new ArtifactAdded(snapshot(), a));
    }

    private void publish(Event e) {
      listeners.forEach(l -> l.accept(e));
      pushes.values().forEach(c -> push.deliver(c, e));
    }
  }

  /** An agent's message in {@code contextId} (and {@code taskId}, if any). */
  static Message agent(List<Part> parts, String contextId, String taskId) {
    return new Message(UUID.randomUUID().toString(), true, parts, contextId, taskId, Dict.EMPTY);
  }

  /** A message checked and admitted: its run (stored, not started), capability and input. */
  record Prepared(Run run, SecurityContext who, CapabilityManifest manifest, Value input) {}

  /**
   * Checks what {@code message} asks for as {@code who} — a new call of the skill its {@code
   * metadata.skillId} names, with arguments from its parts — and admits a run for it.
   */
  Prepared prepare(SecurityContext who, Message message) {
    if (message.taskId() != null) {
      Run r = find(who, message.taskId());
      throw new A2a.Failure(
          A2a.Error.UNSUPPORTED_OPERATION,
          r.state.terminal()
              ? "task " + r.id + " is " + r.state.wire(A2a.Version.V10) + ": it takes no messages"
              : "task " + r.id + " does not take more input: each message starts one call");
    }
    String skill = Rpc.text(message.metadata(), "skillId");
    if (skill == null || skill.isBlank()) {
      throw A2aCodec.invalid(
          "message.metadata.skillId must name the skill to use (a capability id from the agent"
              + " card)");
    }
    CapabilityManifest m = marketplace.registry().get(skill);
    if (m == null || !marketplace.mayCall(who, m)) {
      marketplace.refuse(
          CallRequest.of(skill, Value.NIL, who),
          new AgoraError.NotFound(skill, null, marketplace.registry().suggest(skill, 3)));
      throw A2aCodec.invalid("no skill '" + skill + "' on this agent for this caller");
    }
    Value input = arguments(message.parts());
    return new Prepared(admit(who, message), who, m, input);
  }

  /** Starts the call of {@code p} on its own virtual thread: the task is working from now on. */
  void start(Prepared p) {
    p.run().move(State.WORKING, null);
    Thread.ofVirtual()
        .name("agora-a2a-" + p.run().id)
        .start(
            Context.current() // the request's trace goes on in the task
                .wrap(() -> execute(p.run(), p.who(), p.manifest(), p.input())));
  }

  /**
   * Waits for {@code run} at most {@code server.a2a.task_after}: its answer as a Message when it
   * completed by then (the run is forgotten: there is no task to keep), else null.
   */
  Message quick(Run run) {
    try {
      run.done.get(settings.taskAfter().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      becameTask.accept(run);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException e) { // never completed exceptionally
      throw new IllegalStateException(e);
    }
    if (run.state != State.COMPLETED) {
      return null;
    }
    tasks.remove(run.id);
    return agent(run.artifacts.getFirst().parts(), run.contextId, null); // the result's parts
  }

  /**
   * Runs {@code message}: its Message when quick, else its (stored) Run — at once when the caller
   * asked to have the task back {@code immediately} (1.0's {@code returnImmediately}).
   */
  Object send(SecurityContext who, Message message, boolean immediately) {
    Prepared p = prepare(who, message);
    start(p);
    Message m = immediately ? null : quick(p.run());
    return m != null ? m : p.run();
  }

  /**
   * A new run for {@code message}, stored; refused when every place holds a running task. One at a
   * time: a burst of messages never takes more than {@code max_tasks} places.
   */
  private synchronized Run admit(SecurityContext who, Message message) {
    if (tasks.size() >= settings.maxTasks()) {
      tasks.values().stream()
          .filter(r -> r.state.terminal())
          .min(Comparator.comparingLong(r -> r.seq))
          .ifPresent(r -> tasks.remove(r.id));
      if (tasks.size() >= settings.maxTasks()) {
        throw new A2a.Failure(
            A2a.Error.BUSY,
            "this agent runs "
                + settings.maxTasks()
                + " tasks already (server.a2a.max_tasks); try again later");
      }
    }
    String context =
        message.contextId() == null ? UUID.randomUUID().toString() : message.contextId();
    Run run = new Run(context, who.identity());
    run.history.add(
        new Message(
            message.messageId(), false, message.parts(), context, run.id, message.metadata()));
    tasks.put(run.id, run);
    return run;
  }

  /** The call itself, on its own virtual thread: its outcome moves the run to a final state. */
  private void execute(Run run, SecurityContext who, CapabilityManifest m, Value input) {
    run.worker = Thread.currentThread();
    try {
      Value result =
          marketplace.call(CallRequest.of(m.id(), input, who).withDownstream(progress(run)));
      run.add(new Artifact(UUID.randomUUID().toString(), "result", answer(result)));
      run.move(State.COMPLETED, null);
    } catch (AgoraError.AccessDenied
        | AgoraError.SecurityViolation
        | AgoraError.ApprovalRequired e) {
      run.move(State.REJECTED, e.kind() + ": " + e.getMessage());
    } catch (AgoraError e) {
      run.move(run.cancelled ? State.CANCELED : State.FAILED, e.kind() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      run.move(State.FAILED, "the call failed: " + e.getClass().getSimpleName()); // a bug
    } finally {
      run.worker = null;
    }
  }

  /** Progress a provider reports becomes a working status with a message. */
  private static Downstream progress(Run run) {
    return new Downstream() {
      @Override
      public void progress(double progress, Double total, String message) {
        String text =
            "progress "
                + progress
                + (total == null ? "" : " of " + total)
                + (message == null ? "" : ": " + message);
        run.move(State.WORKING, text);
      }

      @Override
      public boolean supports(String capability) {
        return false;
      }

      @Override
      public Value request(String method, Value params, Duration timeout) {
        return Downstream.NONE.request(method, params, timeout);
      }
    };
  }

  /**
   * A capability's input from a message: its first data part, else its first text part read as
   * JSON, else as RTFS.
   */
  static Value arguments(List<Part> parts) {
    for (Part p : parts) {
      if (p instanceof Data d) {
        return d.data();
      }
    }
    for (Part p : parts) {
      if (p instanceof Text t) {
        try {
          return Json.parse(t.text());
        } catch (JsonException notJson) {
          try {
            return Reader.readValue(t.text());
          } catch (RuntimeException notRtfs) {
            throw A2aCodec.invalid(
                "the text part is neither JSON nor RTFS ("
                    + notRtfs.getMessage()
                    + "); send the arguments as a data part");
          }
        }
      }
    }
    throw A2aCodec.invalid("the message has no data or text part to take the arguments from");
  }

  /** A result as parts: the value as data (JSON), and its JSON (or RTFS) text. */
  static List<Part> answer(Value result) {
    try {
      return List.of(new Data(result), new Text(Json.write(result)));
    } catch (JsonException e) { // a value JSON cannot hold: its RTFS text
      String text = Printer.print(result);
      return List.of(new Data(Value.of(text)), new Text(text));
    }
  }

  /** The run {@code id} if {@code who} may see it; a task another caller started is not found. */
  Run find(SecurityContext who, String id) {
    Run r = id == null ? null : tasks.get(id);
    if (r == null || !r.owner.equals(who.identity())) {
      throw new A2a.Failure(A2a.Error.TASK_NOT_FOUND, "no task '" + id + "' for this caller");
    }
    return r;
  }

  /** Cancels a run (idempotent on a canceled one); a finished one cannot be. */
  Run cancel(SecurityContext who, String id) {
    Run r = find(who, id);
    synchronized (r) {
      if (r.state == State.CANCELED) {
        return r;
      }
      if (r.state.terminal()) {
        throw new A2a.Failure(
            A2a.Error.TASK_NOT_CANCELABLE,
            "task " + id + " is " + r.state.wire(A2a.Version.V10) + " and cannot be canceled");
      }
      r.cancelled = true;
      Thread w = r.worker;
      if (w != null) {
        w.interrupt();
      }
      r.move(State.CANCELED, "canceled by the caller");
    }
    return r;
  }

  /** {@code who}'s tasks, newest first, in {@code contextId} and {@code state} when given. */
  List<Run> list(SecurityContext who, String contextId, State state) {
    List<Run> out = new ArrayList<>();
    for (Run r : tasks.values()) {
      if (r.owner.equals(who.identity())
          && (contextId == null || contextId.equals(r.contextId))
          && (state == null || state == r.state)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparingLong((Run r) -> r.seq).reversed());
    return out;
  }

  /** How many tasks are kept now (for tests and metrics). */
  int size() {
    return tasks.size();
  }

  /** Cancels every running task (the server is stopping). */
  void close() {
    for (Run r : tasks.values()) {
      Thread w = r.worker;
      if (w != null && !r.state.terminal()) {
        r.cancelled = true;
        w.interrupt();
      }
    }
  }
}
