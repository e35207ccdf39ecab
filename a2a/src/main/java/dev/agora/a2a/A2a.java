package dev.agora.a2a;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.List;
import java.util.Locale;

/**
 * The A2A data Agora works with, as an agent (server) and as a client (the A2A provider): one model
 * for both protocol versions: {@link A2aCodec} reads and writes it as 1.0 (ProtoJSON:
 * member-discriminated parts, {@code TASK_STATE_*}) or 0.3 ({@code kind} everywhere, lowercase
 * states), so everything between works on one shape (../shared/reference/protocols.md §1).
 */
public final class A2a {

  private A2a() {}

  /**
   * The protocol version a request speaks: the {@code A2A-Version} header, none meaning 0.3. 0.3's
   * HTTP+JSON binding is a dialect of its own ({@link #V03_REST}): the JSON of 0.3's proto, with
   * {@code content} for a message's parts, data parts as {@code {"data": {"data": …}}}, {@code
   * TASK_STATE_*} names (canceled spelled {@code CANCELLED}) and wrapped results, as the 0.3 SDKs'
   * REST transports send and expect.
   */
  public enum Version {
    V03,
    V03_REST,
    V10;

    /** The version a header names ({@code 1.0}, {@code 0.3}, {@code 0.3.0}), or null. */
    public static Version of(String header) {
      if (header == null || header.isBlank()) {
        return V03;
      }
      String h = header.strip();
      if (h.equals("1.0") || h.startsWith("1.0.")) {
        return V10;
      }
      if (h.equals("0.3") || h.startsWith("0.3.")) {
        return V03;
      }
      return null;
    }
  }

  /** A task's state. */
  public enum State {
    SUBMITTED,
    WORKING,
    INPUT_REQUIRED,
    AUTH_REQUIRED,
    COMPLETED,
    FAILED,
    CANCELED,
    REJECTED;

    /**
     * The state a wire name names, in any version's spelling ({@code TASK_STATE_INPUT_REQUIRED},
     * {@code input-required}, {@code TASK_STATE_CANCELLED}), or null for one this model does not
     * know ({@code unknown}, {@code TASK_STATE_UNSPECIFIED}).
     */
    public static State read(String wire) {
      if (wire == null) {
        return null;
      }
      String n = wire.strip().toUpperCase(Locale.ROOT).replace('-', '_');
      n = n.startsWith("TASK_STATE_") ? n.substring("TASK_STATE_".length()) : n;
      for (State s : values()) {
        if (s.name().equals(n) || (s == CANCELED && n.equals("CANCELLED"))) {
          return s;
        }
      }
      return null;
    }

    /** No more messages, no more changes. */
    public boolean terminal() {
      return ordinal() >= COMPLETED.ordinal();
    }

    /** {@code TASK_STATE_COMPLETED} (1.0, 0.3 REST) or {@code completed} (0.3). */
    public String wire(Version v) {
      return switch (v) {
        case V10 -> "TASK_STATE_" + name();
        case V03_REST -> "TASK_STATE_" + (this == CANCELED ? "CANCELLED" : name());
        case V03 -> name().toLowerCase(Locale.ROOT).replace('_', '-');
      };
    }
  }

  /**
   * What an agent answers to a message, or sends on a stream: a {@link Message}, a {@link Task}, or
   * an update of one.
   */
  public sealed interface Event permits Message, Task, StatusUpdate, ArtifactUpdate {}

  /** A task's new state, and the message that came with it; {@code last} in 0.3's {@code final}. */
  public record StatusUpdate(
      String taskId, String contextId, State state, Message status, boolean last)
      implements Event {}

  /** An artifact of a task, new or (with {@code append}) more of one already sent. */
  public record ArtifactUpdate(String taskId, String contextId, Artifact artifact, boolean append)
      implements Event {}

  /** One part of a message or artifact. */
  public sealed interface Part {}

  public record Text(String text) implements Part {}

  /** Structured data: any JSON in 1.0; an object in 0.3. */
  public record Data(Value data) implements Part {}

  /** A file, by URL or inline bytes (base64 as sent). */
  public record File(String url, String bytes, String mediaType, String name) implements Part {}

  /** A message: who sent it, its parts, and the task and context it belongs to. */
  public record Message(
      String messageId,
      boolean fromAgent,
      List<Part> parts,
      String contextId,
      String taskId,
      Dict metadata)
      implements Event {
    public Message {
      parts = List.copyOf(parts);
      metadata = metadata == null ? Dict.EMPTY : metadata;
    }
  }

  /** An output of a task. */
  public record Artifact(String artifactId, String name, List<Part> parts) {
    public Artifact {
      parts = List.copyOf(parts);
    }
  }

  /** A task as a caller sees it at one moment. */
  public record Task(
      String id,
      String contextId,
      State state,
      Message status,
      String timestamp,
      List<Artifact> artifacts,
      List<Message> history)
      implements Event {
    public Task {
      artifacts = List.copyOf(artifacts);
      history = List.copyOf(history);
    }
  }

  /**
   * A push notification configuration of a task, and the version it was made in (which decides what
   * is posted: 0.3 posts the Task, 1.0 a StreamResponse).
   */
  public record PushConfig(
      String id,
      String taskId,
      String url,
      String token,
      String scheme,
      String credentials,
      Version version) {}

  /**
   * An A2A error (protocols.md §1.6): its JSON-RPC code, HTTP status and {@code reason}, plus the
   * JSON-RPC and HTTP standard ones this endpoint answers with.
   */
  public enum Error {
    TASK_NOT_FOUND(-32001, 404),
    TASK_NOT_CANCELABLE(-32002, 400),
    PUSH_NOTIFICATION_NOT_SUPPORTED(-32003, 400),
    UNSUPPORTED_OPERATION(-32004, 400),
    CONTENT_TYPE_NOT_SUPPORTED(-32005, 400),
    INVALID_AGENT_RESPONSE(-32006, 500),
    EXTENDED_AGENT_CARD_NOT_CONFIGURED(-32007, 400),
    EXTENSION_SUPPORT_REQUIRED(-32008, 400),
    VERSION_NOT_SUPPORTED(-32009, 400),
    PARSE_ERROR(-32700, 400),
    INVALID_REQUEST(-32600, 400),
    METHOD_NOT_FOUND(-32601, 404),
    INVALID_PARAMS(-32602, 400),
    INTERNAL(-32603, 500),
    BUSY(-32000, 503);

    public final int code;
    public final int status;

    Error(int code, int status) {
      this.code = code;
      this.status = status;
    }
  }

  /** An A2A error raised while answering: the answer is this error. */
  public static final class Failure extends RuntimeException {
    public final Error error;

    public Failure(Error error, String message) {
      super(message, null, false, false);
      this.error = error;
    }
  }
}
