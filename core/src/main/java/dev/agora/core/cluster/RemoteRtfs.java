package dev.agora.core.cluster;

import dev.agora.chain.Hashes;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.Glob;
import dev.agora.rtfs.Binary;
import dev.agora.rtfs.BinaryFormatException;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Printer;
import dev.agora.rtfs.RtfsError;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.reader.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The remote-rtfs wire protocol (issue 18): how one node asks a peer to run a capability's RTFS
 * implementation, and how the peer answers. Both are one RTFS map, sent in a {@link Transfer}
 * format (by default {@link Binary}'s compact form), and signed by the sending node with its key:
 *
 * <pre>
 * POST {node URL}/../cluster/v1/rtfs        Agora-Node: {sender id}   Agora-Signature: {base64}
 * {:node peer-id :nonce fresh-hex :depth 0 :capability id :version v :hash content-hash
 *  :input {…} :caller {…} :call call-id :plan plan-id :timeout-ms 30000 :sent epoch-ms}
 *
 * 200  Agora-Node: {peer id}   Agora-Signature: {base64}
 * {:node peer-id :call call-id :result {…} :children [action-id …]}       or, when it failed,
 * {:node peer-id :call call-id :error {:kind "Timeout" :message "…" :caller-fault false
 *  :transient false} :children […]}
 * </pre>
 *
 * A request is signed over {@code agora-remote-rtfs/1 request\n<sender>\n<sha256 hex of the body>};
 * a reply over {@code agora-remote-rtfs/1 reply\n<peer>\n<call id>\n<sha256 hex of the body>}, so a
 * reply cannot be passed off as the answer to another call.
 */
public final class RemoteRtfs {

  /** Where a node takes requests, relative to its URL ({@code http://host:port/mcp}). */
  public static final String PATH = "cluster/v1/rtfs";

  public static final String NODE_HEADER = "Agora-Node";
  public static final String SIGNATURE_HEADER = "Agora-Signature";

  /** How far a request's {@code sent} time may be from the peer's clock. */
  public static final Duration SKEW = Duration.ofSeconds(60);

  private RemoteRtfs() {}

  /** How the maps travel. */
  public enum Transfer {
    /**
     * RTFS values in {@link Binary}'s compact typed form (the default): every value as it was,
     * repeated keys sent once.
     */
    BINARY("application/vnd.agora.rtfs-binary"),
    /** RTFS text, as the printer writes it and the reader reads it: every value as it was. */
    RTFS("application/vnd.agora.rtfs"),
    /**
     * Plain JSON: keywords become strings, as with any JSON upstream; for comparison and for peers
     * that read JSON.
     */
    JSON("application/json");

    private final String mediaType;

    Transfer(String mediaType) {
      this.mediaType = mediaType;
    }

    public String mediaType() {
      return mediaType;
    }

    /** The format named {@code name} in a manifest ({@code transfer: json}), or null. */
    public static Transfer named(String name) {
      for (Transfer t : values()) {
        if (t.name().equalsIgnoreCase(name)) {
          return t;
        }
      }
      return null;
    }

    /** The format of {@code mediaType} (parameters ignored), or null. */
    public static Transfer ofMediaType(String mediaType) {
      if (mediaType == null) {
        return null;
      }
      String bare = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      for (Transfer t : values()) {
        if (t.mediaType.equals(bare)) {
          return t;
        }
      }
      return null;
    }

    public byte[] encode(Value v) {
      return switch (this) {
        case BINARY -> Binary.encode(v);
        case RTFS -> Printer.print(v).getBytes(StandardCharsets.UTF_8);
        case JSON -> Json.write(v).getBytes(StandardCharsets.UTF_8);
      };
    }

    /** The map in {@code body}; anything else is a {@link RemoteRtfsException}. */
    public Dict decode(byte[] body) {
      Value v;
      try {
        v =
            switch (this) {
              case BINARY -> Binary.decode(body);
              case RTFS -> Reader.readValue(new String(body, StandardCharsets.UTF_8));
              case JSON -> Json.parse(body);
            };
      } catch (BinaryFormatException e) { // says at which byte
        throw new RemoteRtfsException("the body is not BINARY: " + e.getMessage());
      } catch (RuntimeException e) {
        throw new RemoteRtfsException("the body is not " + name() + ": " + message(e));
      }
      if (!(v instanceof Dict d)) {
        throw new RemoteRtfsException("the body is " + Printer.describe(v) + ", not a map");
      }
      return d;
    }

    private static String message(RuntimeException e) {
      return e instanceof RtfsError r ? r.describe() : e.getMessage();
    }
  }

  /**
   * A call to run on a peer.
   *
   * @param node the node it is for: a peer takes only what was signed for it
   * @param nonce new for every attempt: a peer takes each once (a retry of the call is another)
   * @param depth how deep the calling node was in RTFS implementations calling each other
   */
  public record Request(
      String node,
      String nonce,
      String capability,
      String version,
      String hash,
      Value input,
      SecurityContext caller,
      String callId,
      String planId,
      Duration timeout,
      Instant sent,
      int depth) {

    public Dict toValue() {
      Dict.Builder b =
          Dict.builder()
              .put("node", Value.of(node))
              .put("nonce", Value.of(nonce))
              .put("depth", Value.of(depth))
              .put("capability", Value.of(capability))
              .put("version", Value.of(version))
              .put("hash", Value.of(hash))
              .put("input", input)
              .put("caller", context(caller))
              .put("call", Value.of(callId))
              .put("timeout-ms", Value.of(timeout.toMillis()))
              .put("sent", Value.of(sent.toEpochMilli()));
      if (planId != null) {
        b.put("plan", Value.of(planId));
      }
      return b.build();
    }

    /** The request in {@code d}; a missing or mistyped field is a {@link RemoteRtfsException}. */
    public static Request from(Dict d) {
      return new Request(
          text(d, "node"),
          text(d, "nonce"),
          text(d, "capability"),
          text(d, "version"),
          text(d, "hash"),
          field(d, "input"),
          context(map(d, "caller")),
          text(d, "call"),
          d.get("plan") instanceof Value.Str s ? s.value() : null,
          Duration.ofMillis(number(d, "timeout-ms")),
          Instant.ofEpochMilli(number(d, "sent")),
          (int) Math.clamp(number(d, "depth"), 0, Integer.MAX_VALUE));
    }
  }

  /**
   * Why a run failed on the peer: its error kind, message, whether the caller was at fault, and
   * whether trying again may mend it.
   */
  public record Failure(String kind, String message, boolean callerFault, boolean isTransient) {}

  /** A peer's answer: the result, or the failure; and the actions it recorded under the call. */
  public record Reply(
      String node, String callId, Value result, Failure failure, List<String> children) {

    public Reply {
      children = List.copyOf(children);
    }

    public Dict toValue() {
      Dict.Builder b =
          Dict.builder()
              .put("node", Value.of(node))
              .put("call", Value.of(callId))
              .put("children", Vec.of(children.stream().map(Value::of).toList()));
      if (failure != null) {
        b.put(
            "error",
            Dict.builder()
                .put("kind", Value.of(failure.kind()))
                .put("message", Value.of(failure.message()))
                .put("caller-fault", Value.of(failure.callerFault()))
                .put("transient", Value.of(failure.isTransient()))
                .build());
      } else {
        b.put("result", result);
      }
      return b.build();
    }

    public static Reply from(Dict d) {
      List<String> children = new ArrayList<>();
      if (!(field(d, "children") instanceof Seq v)) {
        throw new RemoteRtfsException("'children' is not a list");
      }
      for (int i = 0; i < v.size(); i++) {
        children.add(stringOf(v.get(i), "children"));
      }
      Failure failure = null;
      if (d.get("error") != null) {
        Dict e = map(d, "error");
        failure =
            new Failure(
                text(e, "kind"),
                text(e, "message"),
                Value.TRUE.equals(e.get("caller-fault")),
                Value.TRUE.equals(e.get("transient")));
      } else if (d.get("result") == null) {
        throw new RemoteRtfsException("the reply has neither 'result' nor 'error'");
      }
      return new Reply(text(d, "node"), text(d, "call"), d.get("result"), failure, children);
    }
  }

  /** What the sender of a request signs. */
  public static byte[] requestSigned(String sender, byte[] body) {
    return ("agora-remote-rtfs/1 request\n" + sender + "\n" + digest(body))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** What a peer signs of its reply to call {@code callId}. */
  public static byte[] replySigned(String peer, String callId, byte[] body) {
    return ("agora-remote-rtfs/1 reply\n" + peer + "\n" + callId + "\n" + digest(body))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String digest(byte[] body) {
    return Hashes.hex(Hashes.sha256(body));
  }

  // ---- security contexts as data ----

  static Dict context(SecurityContext c) {
    Dict.Builder b =
        Dict.builder()
            .put("identity", Value.of(c.identity()))
            .put("level", Value.of(c.level().name()))
            .put("allowed", strings(c.allowed().stream().map(Glob::pattern).toList()))
            .put("permissions", strings(new TreeSet<>(c.permissions())));
    if (c.allowedEffects() != null) {
      b.put("effects", strings(new TreeSet<>(c.allowedEffects())));
    }
    if (c.tenant() != null) {
      SecurityContext.Tenant t = c.tenant();
      b.put(
          "tenant",
          Dict.builder()
              .put("name", Value.of(t.name()))
              .put("capabilities", strings(t.capabilities().stream().map(Glob::pattern).toList()))
              .put("sources", strings(new TreeSet<>(t.sources())))
              .put("others", strings(new TreeSet<>(t.others())))
              .build());
    }
    return b.build();
  }

  static SecurityContext context(Dict d) {
    SecurityContext.Level level;
    try {
      level = SecurityContext.Level.valueOf(text(d, "level"));
    } catch (IllegalArgumentException e) {
      throw new RemoteRtfsException("unknown context level '" + text(d, "level") + "'");
    }
    SecurityContext.Tenant tenant = null;
    if (d.get("tenant") != null) {
      Dict t = map(d, "tenant");
      tenant =
          new SecurityContext.Tenant(
              text(t, "name"),
              globs(t, "capabilities"),
              Set.copyOf(list(t, "sources")),
              Set.copyOf(list(t, "others")));
    }
    return new SecurityContext(
        text(d, "identity"),
        level,
        globs(d, "allowed"),
        d.get("effects") == null ? null : Set.copyOf(list(d, "effects")),
        Set.copyOf(list(d, "permissions")),
        tenant);
  }

  private static Vec strings(java.util.Collection<String> items) {
    return Vec.of(items.stream().map(Value::of).toList());
  }

  private static List<Glob> globs(Dict d, String key) {
    return list(d, key).stream().map(Glob::of).toList();
  }

  // ---- reading fields, each mistake named ----

  private static Value field(Dict d, String key) {
    Value v = d.get(key);
    if (v == null) {
      throw new RemoteRtfsException("missing '" + key + "'");
    }
    return v;
  }

  private static String text(Dict d, String key) {
    return stringOf(field(d, key), key);
  }

  private static String stringOf(Value v, String key) {
    if (v instanceof Value.Str s) {
      return s.value();
    }
    throw new RemoteRtfsException("'" + key + "' is " + Printer.describe(v) + ", not a string");
  }

  private static long number(Dict d, String key) {
    if (field(d, key) instanceof Value.Int i) {
      return i.value();
    }
    throw new RemoteRtfsException("'" + key + "' is not an integer");
  }

  private static Dict map(Dict d, String key) {
    if (field(d, key) instanceof Dict m) {
      return m;
    }
    throw new RemoteRtfsException("'" + key + "' is not a map");
  }

  private static List<String> list(Dict d, String key) {
    if (!(field(d, key) instanceof Seq v)) {
      throw new RemoteRtfsException("'" + key + "' is not a list");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(stringOf(v.get(i), key));
    }
    return out;
  }
}
