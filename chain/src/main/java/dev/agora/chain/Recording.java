package dev.agora.chain;

import dev.agora.chain.event.Event;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Seq;
import dev.agora.rtfs.Value;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What of an action's payload the chain keeps. Secrets never: values under keys that look like
 * secrets ({@link #DEFAULT_SECRET_KEYS}, plus any configured) are replaced by {@code "[redacted]"}
 * wherever they appear in arguments, results and metadata. Then, with {@code digest} privacy,
 * arguments and results are kept only as {@code {:sha-256 "<hex>"}} of their canonical bytes —
 * enough to prove later what was passed, without storing it.
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

  private final Privacy privacy;
  private final Pattern secretKeys;
  private final ConcurrentHashMap<String, Boolean> decided = new ConcurrentHashMap<>();

  public Recording(Privacy privacy, String secretKeyPattern) {
    this.privacy = privacy;
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
    }
    Dict meta = (Dict) redact(e.metadata());
    if (args == e.arguments() && result == e.result() && meta == e.metadata()) {
      return e;
    }
    return new Event(
        e.id(),
        e.parentId(),
        e.planId(),
        e.type(),
        e.at(),
        e.capabilityId(),
        e.capabilityVersion(),
        e.caller(),
        args,
        result,
        e.success(),
        e.errorKind(),
        e.error(),
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
