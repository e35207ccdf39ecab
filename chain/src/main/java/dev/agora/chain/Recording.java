package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What of an action's payload the chain keeps. Secrets never: values under keys that look like
 * secrets ({@link #DEFAULT_SECRET_KEYS}, plus any configured) are replaced by {@code "[redacted]"}
 * wherever they appear in arguments, results and metadata. Then, with {@code digest} privacy,
 * arguments and results are kept only as {@code {:sha-256 "<hex>"}} of their canonical bytes —
 * enough to prove later what was passed, without storing it.
 *
 * <p>Nothing large either (issue 12: one caller filled the disk through the chain). Arguments,
 * results and metadata values whose canonical bytes exceed {@code maxStoredBytes} are kept as
 * {@code {:elided true, :bytes <size>, :sha-256 "<hex>"}} — the digest still proves them — and an
 * error message, capability id or version that long is cut there, its end replaced by the same
 * facts. A recorded call therefore takes a bounded amount of space whatever the caller sends.
 */
public final class Recording {

  /** How much of arguments and results is stored. */
  public enum Privacy {
    FULL,
    DIGEST
  }

  public static final String DEFAULT_SECRET_KEYS =
      "(?i).*(password|passwd|secret|token|api[-_]?key|authorization|credential|private[-_]?key|cookie).*";
  public static final Value REDACTED = Value.of("[redacted]");

  /** {@code chain.max_stored_bytes} when not configured: 64 KiB. */
  public static final long DEFAULT_MAX_STORED_BYTES = 64 * 1024;

  private final Privacy privacy;
  private final long maxStoredBytes;
  private final Pattern secretKeys;
  private final ConcurrentHashMap<String, Boolean> decided = new ConcurrentHashMap<>();

  public Recording(Privacy privacy, String secretKeyPattern) {
    this(privacy, secretKeyPattern, DEFAULT_MAX_STORED_BYTES);
  }

  /**
   * {@code maxStoredBytes}: the largest argument, result, metadata value or error message (in
   * canonical bytes) stored whole; larger ones are elided to their digest and size.
   */
  public Recording(Privacy privacy, String secretKeyPattern, long maxStoredBytes) {
    if (maxStoredBytes < 0 || maxStoredBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxStoredBytes must be from 0 to " + Integer.MAX_VALUE + ", got " + maxStoredBytes);
    }
    this.privacy = privacy;
    this.maxStoredBytes = maxStoredBytes;
    this.secretKeys =
        Pattern.compile(
            secretKeyPattern == null
                ? DEFAULT_SECRET_KEYS
                : "(?:" + DEFAULT_SECRET_KEYS + ")|(?:" + secretKeyPattern + ")");
  }

  public static final Recording DEFAULT = new Recording(Privacy.FULL, null);

  /** The event as it will be recorded. */
  public Event apply(Event e) {
    Value args = redact(e.arguments());
    Value result = redact(e.result());
    if (privacy == Privacy.DIGEST) {
      args = digest(args);
      result = digest(result);
    } else {
      args = bounded(args);
      result = bounded(result);
    }
    Dict meta = boundedValues((Dict) redact(e.metadata()));
    String error = bounded(e.error());
    String capability = bounded(e.capabilityId()); // a caller names it: an unknown tool, say
    String version = bounded(e.capabilityVersion());
    if (args == e.arguments()
        && result == e.result()
        && meta == e.metadata()
        && error == e.error()
        && capability == e.capabilityId()
        && version == e.capabilityVersion()) {
      return e;
    }
    return new Event(
        e.id(),
        e.parentId(),
        e.planId(),
        e.type(),
        e.at(),
        capability,
        version,
        e.caller(),
        args,
        result,
        e.success(),
        e.errorKind(),
        error,
        e.cost(),
        e.duration(),
        meta);
  }

  /** {@code {:sha-256 "<hex of SHA-256 of the canonical bytes>"}}, or null for null. */
  public static Value digest(Value v) {
    return v == null
        ? null
        : Dict.of(
            Value.keyword("sha-256"), Value.of(Hashes.hex(Hashes.sha256(Canonical.encode(v)))));
  }

  public long maxStoredBytes() {
    return maxStoredBytes;
  }

  /**
   * The value itself if its canonical bytes fit in {@code maxStoredBytes}, else {@code {:elided
   * true, :bytes <size>, :sha-256 "<hex>"}}. The size is counted once, stopping at the limit; only
   * a value that is elided is encoded here, for its digest.
   */
  Value bounded(Value v) {
    if (v == null || Canonical.size(v, maxStoredBytes) <= maxStoredBytes) {
      return v;
    }
    byte[] bytes = Canonical.encode(v);
    return Dict.of(
        Value.keyword("elided"),
        Value.TRUE,
        Value.keyword("bytes"),
        Value.of(bytes.length),
        Value.keyword("sha-256"),
        Value.of(Hashes.hex(Hashes.sha256(bytes))));
  }

  /** A map whose values are each {@link #bounded}: metadata stays a map. */
  private Dict boundedValues(Dict d) {
    Dict.Builder out = null;
    for (Map.Entry<Value, Value> en : d.asMap().entrySet()) {
      Value now = bounded(en.getValue());
      if (now != en.getValue()) {
        out = out == null ? d.toBuilder() : out;
        out.put(en.getKey(), now);
      }
    }
    return out == null ? d : out.build();
  }

  /**
   * An error message whose UTF-8 fits in {@code maxStoredBytes}, or its beginning (that many bytes,
   * at most) followed by {@code … [elided: <n> bytes in all, sha-256 <hex>]}.
   */
  String bounded(String text) {
    if (text == null
        || text.length() <= maxStoredBytes / 3 // three bytes per char at most
        || Canonical.utf8Length(text) <= maxStoredBytes) {
      return text;
    }
    byte[] all = text.getBytes(StandardCharsets.UTF_8);
    int keep = Canonical.utf8Prefix(text, maxStoredBytes);
    return text.substring(0, keep)
        + " … [elided: "
        + all.length
        + " bytes in all, sha-256 "
        + Hashes.hex(Hashes.sha256(all))
        + "]";
  }

  /**
   * The value with secret-looking map entries redacted; the same instance when there is nothing to
   * redact.
   */
  Value redact(Value v) {
    if (v instanceof Dict d) {
      Dict.Builder out = null;
      for (Map.Entry<Value, Value> en : d.asMap().entrySet()) {
        Value k = en.getKey();
        Value old = en.getValue();
        Value now = isSecret(k) ? REDACTED : redact(old);
        if (now != old) {
          out = out == null ? d.toBuilder() : out;
          out.put(k, now);
        }
      }
      return out == null ? d : out.build();
    }
    if (v instanceof Seq s) {
      Value[] items = null;
      for (int i = 0; i < s.size(); i++) {
        Value now = redact(s.get(i));
        if (now != s.get(i)) {
          items = items == null ? s.toArray() : items;
          items[i] = now;
        }
      }
      return items == null ? s : s.withItems(items);
    }
    return v;
  }

  private boolean isSecret(Value key) {
    String name =
        switch (key) {
          case Value.Keyword k -> k.name();
          case Value.Str s -> s.value();
          default -> null;
        };
    if (name == null) {
      return false;
    }
    Boolean known = decided.get(name); // key names repeat endlessly; the regex runs once per name
    if (known == null) {
      known = secretKeys.matcher(name).matches();
      if (decided.size() < 10_000) {
        decided.put(name, known);
      }
    }
    return known;
  }
}
