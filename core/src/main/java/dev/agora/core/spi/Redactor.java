package dev.agora.core.spi;

import dev.agora.core.error.AgoraError;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Lst;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Takes named secrets out of what leaves a provider: every occurrence of a secret's value — as
 * written, base64-encoded (standard and URL-safe, with or without padding) or URL-encoded — becomes
 * {@code [redacted:<name>]}, in text, in RTFS values (map keys included) and in errors. An upstream
 * that echoes the token it was sent gives the caller, the logs and the Causal Chain the mark, never
 * the token (issue 11). Immutable; {@link #NONE} redacts nothing and costs nothing.
 */
public final class Redactor {

  /**
   * Secrets shorter than this are not searched for: replacing every "abc" would mangle results, and
   * a value that short is no secret (docs/SECURITY.md).
   */
  public static final int MIN_LENGTH = 4;

  public static final Redactor NONE = new Redactor(List.of());

  /**
   * One spelling of a secret and its mark; longest spellings first, so none is cut by a shorter
   * one.
   */
  private record Form(String text, String mark) {}

  private final List<Form> forms;

  private Redactor(List<Form> forms) {
    this.forms = forms;
  }

  /**
   * This redactor and also {@code value}, named {@code name} in the marks; short values are
   * ignored.
   */
  public Redactor with(String name, String value) {
    if (value == null || value.length() < MIN_LENGTH) {
      return this;
    }
    String mark = "[redacted:" + name + "]";
    List<Form> all = new ArrayList<>(forms);
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    for (String spelling :
        List.of(
            value,
            Base64.getEncoder().encodeToString(bytes),
            Base64.getEncoder().withoutPadding().encodeToString(bytes),
            Base64.getUrlEncoder().encodeToString(bytes),
            Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
            URLEncoder.encode(value, StandardCharsets.UTF_8),
            URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"))) {
      if (all.stream().noneMatch(f -> f.text.equals(spelling))) {
        all.add(new Form(spelling, mark));
      }
    }
    all.sort(Comparator.comparingInt((Form f) -> f.text.length()).reversed());
    return new Redactor(List.copyOf(all));
  }

  /** Names of environment variables that hold secrets, by the words in them. */
  private static final Pattern SECRET_NAME =
      Pattern.compile("(?i).*(SECRET|TOKEN|PASSWORD|PASSWD|KEY|CREDENTIAL|AUTH|PRIVATE).*");

  /**
   * The values of every environment variable whose name says it is a secret ({@code *_TOKEN},
   * {@code *_KEY}, {@code *PASSWORD*} …), each marked with its name: what text that cannot know its
   * secrets — a discovery problem quoting an .env file — is scrubbed with (issue 12).
   */
  public static Redactor ofEnvironment(Map<String, String> environment) {
    Redactor r = NONE;
    for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
      if (SECRET_NAME.matcher(e.getKey()).matches()) {
        r = r.with(e.getKey(), e.getValue());
      }
    }
    return r;
  }

  /** This redactor and every secret of {@code other}. */
  public Redactor with(Redactor other) {
    if (other.forms.isEmpty()) {
      return this;
    }
    if (forms.isEmpty()) {
      return other;
    }
    List<Form> all = new ArrayList<>(forms);
    other.forms.stream().filter(f -> !forms.contains(f)).forEach(all::add);
    all.sort(Comparator.comparingInt((Form f) -> f.text.length()).reversed());
    return new Redactor(List.copyOf(all));
  }

  /** True when there is nothing to redact. */
  public boolean isEmpty() {
    return forms.isEmpty();
  }

  /** {@code text} with every secret replaced by its mark; the same string when none occurs. */
  public String redact(String text) {
    if (forms.isEmpty() || text == null) {
      return text;
    }
    String out = text;
    for (Form f : forms) {
      if (out.contains(f.text)) {
        out = out.replace(f.text, f.mark);
      }
    }
    return out;
  }

  /** True if any secret occurs in {@code text}. */
  public boolean occursIn(String text) {
    if (text == null) {
      return false;
    }
    for (Form f : forms) {
      if (text.contains(f.text)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code v} with every string (and string map key, keyword and symbol name) redacted; {@code v}
   * itself when unchanged.
   */
  public Value redact(Value v) {
    return forms.isEmpty() ? v : deep(v);
  }

  private Value deep(Value v) {
    return switch (v) {
      case Value.Str s -> occursIn(s.value()) ? Value.of(redact(s.value())) : s;
      case Value.Keyword k -> occursIn(k.name()) ? Value.of(redact(k.name())) : k;
      case Vec vec -> {
        List<Value> items = deepItems(vec.items());
        yield items == null ? vec : Vec.of(items);
      }
      case Lst list -> {
        List<Value> items = deepItems(list.items());
        yield items == null ? list : Lst.of(items);
      }
      case Dict d -> {
        Dict.Builder b = Dict.builder();
        boolean changed = false;
        for (Map.Entry<Value, Value> e : d.asMap().entrySet()) {
          Value k = deep(e.getKey());
          Value val = deep(e.getValue());
          changed |= k != e.getKey() || val != e.getValue();
          b.put(k, val);
        }
        yield changed ? b.build() : d;
      }
      default -> v; // numbers, booleans, nil, functions: nothing to hide
    };
  }

  /** The items redacted, or null when none changed. */
  private List<Value> deepItems(List<Value> items) {
    List<Value> out = new ArrayList<>(items.size());
    boolean changed = false;
    for (Value item : items) {
      Value r = deep(item);
      changed |= r != item;
      out.add(r);
    }
    return changed ? out : null;
  }

  /**
   * {@code e} with its message redacted. A provider error stays one (transient or not); another
   * kind whose message held a secret becomes a provider error; either keeps its {@link
   * AgoraError#fault fault}, so redaction never changes what a circuit breaker counts. A cause
   * whose message held a secret is dropped.
   */
  public AgoraError redact(AgoraError e) {
    if (forms.isEmpty() || !leaks(e)) {
      return e;
    }
    boolean isTransient = e instanceof AgoraError.ProviderError p && p.isTransient();
    return AgoraError.ProviderError.redacted(
        e.capabilityId(),
        redact(e.getMessage()),
        isTransient,
        e.fault(),
        leaks(e.getCause()) ? null : e.getCause());
  }

  /** {@code cause} itself, or null when its message or a cause's message holds a secret. */
  public Throwable clean(Throwable cause) {
    return leaks(cause) ? null : cause;
  }

  private boolean leaks(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (occursIn(c.getMessage())) {
        return true;
      }
    }
    return false;
  }
}
