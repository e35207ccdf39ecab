package dev.agora.provider.a2a;

import dev.agora.a2a.A2a.Artifact;
import dev.agora.a2a.A2a.Data;
import dev.agora.a2a.A2a.File;
import dev.agora.a2a.A2a.Message;
import dev.agora.a2a.A2a.Part;
import dev.agora.a2a.A2a.State;
import dev.agora.a2a.A2a.Text;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * RTFS values to A2A and back. A call's input {@code {:text :data? :task-id? :context-id?}} becomes
 * a user message (a text part, a data part, the task and context it continues, and the skill in
 * {@code metadata.skillId}); what the agent ends with becomes {@code {:text :data? :state :task-id?
 * :context-id? :artifacts [...]}}.
 */
final class Results {

  private Results() {}

  static Message message(Value input, String skill) {
    Dict in = input instanceof Dict d ? d : Dict.EMPTY;
    List<Part> parts = new ArrayList<>();
    if (in.get("text") instanceof Value.Str s) {
      parts.add(new Text(s.value()));
    }
    if (in.get("data") instanceof Dict data) {
      parts.add(new Data(data));
    }
    return new Message(
        UUID.randomUUID().toString(),
        false,
        parts,
        str(in.get("context-id")),
        str(in.get("task-id")),
        Dict.of(Json.key("skillId"), Value.of(skill)));
  }

  private static String str(Value v) {
    return v instanceof Value.Str s ? s.value() : null;
  }

  /**
   * The result: {@code text} is the answer's text parts (a task's artifacts, else its status
   * message), {@code data} its first data part.
   */
  static Dict result(
      State state, String taskId, String contextId, Message said, List<Artifact> artifacts) {
    List<Part> produced = new ArrayList<>();
    artifacts.forEach(a -> produced.addAll(a.parts()));
    List<Part> words = said == null ? List.of() : said.parts();
    List<Part> parts = new ArrayList<>(produced);
    if (produced.stream().noneMatch(p -> p instanceof Text) || state != State.COMPLETED) {
      parts.addAll(0, words); // what the agent says comes first, or is all the text there is
    }
    Value data = firstData(produced);
    data = data != null ? data : firstData(words);
    Dict.Builder b =
        Dict.builder()
            .put("text", Value.of(text(parts)))
            .put("state", Value.keyword(state.name().toLowerCase(Locale.ROOT).replace('_', '-')));
    if (data != null) {
      b.put("data", data);
    }
    if (taskId != null) {
      b.put("task-id", Value.of(taskId));
    }
    if (contextId != null) {
      b.put("context-id", Value.of(contextId));
    }
    List<Value> arts = new ArrayList<>();
    for (Artifact a : artifacts) {
      Dict.Builder ab = Dict.builder().put("parts", parts(a.parts()));
      if (a.artifactId() != null) {
        ab.put("artifact-id", Value.of(a.artifactId()));
      }
      if (a.name() != null) {
        ab.put("name", Value.of(a.name()));
      }
      arts.add(ab.build());
    }
    return b.put("artifacts", Vec.of(arts)).build();
  }

  private static Value firstData(List<Part> parts) {
    for (Part p : parts) {
      if (p instanceof Data d) {
        return d.data();
      }
    }
    return null;
  }

  /** The text parts, a line each. */
  static String text(List<Part> parts) {
    StringBuilder text = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Text t) {
        text.append(text.isEmpty() ? "" : "\n").append(t.text());
      }
    }
    return text.toString();
  }

  private static Vec parts(List<Part> parts) {
    List<Value> out = new ArrayList<>();
    for (Part p : parts) {
      out.add(
          switch (p) {
            case Text t -> Dict.builder().put("text", Value.of(t.text())).build();
            case Data d -> Dict.builder().put("data", d.data()).build();
            case File f -> {
              Dict.Builder fb = Dict.builder();
              put(fb, "url", f.url());
              put(fb, "bytes", f.bytes());
              put(fb, "media-type", f.mediaType());
              put(fb, "name", f.name());
              yield Dict.builder().put("file", fb.build()).build();
            }
          });
    }
    return Vec.of(out);
  }

  private static void put(Dict.Builder b, String key, String value) {
    if (value != null) {
      b.put(key, Value.of(value));
    }
  }
}
