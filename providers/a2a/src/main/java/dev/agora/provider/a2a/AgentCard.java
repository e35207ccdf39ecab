package dev.agora.provider.a2a;

import static dev.agora.core.json.JsonObjects.field;
import static dev.agora.core.json.JsonObjects.object;
import static dev.agora.core.json.JsonObjects.text;

import dev.agora.a2a.A2a.Version;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An agent card as the client needs it (protocols.md §1.2, §1.8): the interfaces it offers, in its
 * order of preference — 1.0's {@code supportedInterfaces}, then 0.3's {@code url} and {@code
 * additionalInterfaces} — its skills, whether it streams, and how it asks to be authenticated. What
 * cannot be read is a {@link Invalid} saying where; its signatures are {@link CardSignatures}'.
 */
record AgentCard(
    String name,
    String description,
    List<Interface> interfaces,
    List<Skill> skills,
    boolean streaming,
    CardSecurity security) {

  /** An endpoint: its URL, whether it is the HTTP+JSON binding (else JSON-RPC), its version. */
  record Interface(URI url, boolean rest, Version version) {
    /** {@code 1.0 JSON-RPC at http://…}, for messages. */
    String describe() {
      return (version == Version.V10 ? "1.0" : "0.3")
          + (rest ? " HTTP+JSON" : " JSON-RPC")
          + " at "
          + url;
    }
  }

  /** A skill: its id, and what the capability made of it says about it. */
  record Skill(
      String id, String name, String description, List<String> tags, List<String> examples) {}

  /** A card that cannot be used, and why. */
  static class Invalid extends Exception {
    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads a card fetched from {@code from} (relative interface URLs resolve against it). */
  static AgentCard read(Value v, URI from) throws Invalid {
    if (!(v instanceof Dict card)) {
      throw new Invalid("the card is not a JSON object");
    }
    String name = text(card, "name");
    if (name == null || name.isBlank()) {
      throw new Invalid("the card has no name");
    }
    List<Interface> interfaces = new ArrayList<>();
    Set<String> ignored = new LinkedHashSet<>();
    if (field(card, "supportedInterfaces") instanceof Vec list) {
      for (Value i : list.items()) {
        if (i instanceof Dict d) {
          add(
              interfaces,
              ignored,
              from,
              text(d, "url"),
              text(d, "protocolBinding"),
              text(d, "protocolVersion"));
        }
      }
    }
    String v03 = text(card, "protocolVersion");
    if (text(card, "url") != null) {
      String preferred = text(card, "preferredTransport");
      add(
          interfaces,
          ignored,
          from,
          text(card, "url"),
          preferred == null ? "JSONRPC" : preferred,
          v03);
    }
    if (field(card, "additionalInterfaces") instanceof Vec list) {
      for (Value i : list.items()) {
        if (i instanceof Dict d) {
          add(interfaces, ignored, from, text(d, "url"), text(d, "transport"), v03);
        }
      }
    }
    if (interfaces.isEmpty()) {
      throw new Invalid(
          "the card offers no interface Agora speaks (JSON-RPC or HTTP+JSON, A2A 1.0 or 0.3)"
              + (ignored.isEmpty() ? "" : "; it offers " + String.join(", ", ignored)));
    }
    List<Skill> skills = new ArrayList<>();
    if (field(card, "skills") instanceof Vec list) {
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Dict s) || text(s, "id") == null || text(s, "id").isBlank()) {
          throw new Invalid("skills[" + i + "] has no id");
        }
        skills.add(
            new Skill(
                text(s, "id"),
                text(s, "name"),
                text(s, "description"),
                strings(field(s, "tags")),
                strings(field(s, "examples"))));
      }
    }
    boolean streaming =
        field(object(card, "capabilities"), "streaming") instanceof Value.Bool b && b.value();
    return new AgentCard(
        name, text(card, "description"), interfaces, skills, streaming, CardSecurity.read(card));
  }

  private static void add(
      List<Interface> out,
      Set<String> ignored,
      URI from,
      String url,
      String binding,
      String version) {
    Version v = version == null ? Version.V03 : Version.of(version); // 0.3 cards may omit it
    boolean json = "JSONRPC".equalsIgnoreCase(binding);
    boolean rest = "HTTP+JSON".equalsIgnoreCase(binding) || "REST".equalsIgnoreCase(binding);
    if (url == null || v == null || !(json || rest)) {
      ignored.add(binding + " " + version);
      return;
    }
    URI u;
    try {
      u = from.resolve(url);
    } catch (IllegalArgumentException e) {
      ignored.add("'" + url + "' (not a URL)");
      return;
    }
    if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
      ignored.add("'" + url + "' (not http or https)");
      return;
    }
    Interface i = new Interface(u, rest, rest && v == Version.V03 ? Version.V03_REST : v);
    if (!out.contains(i)) {
      out.add(i);
    }
  }

  private static List<String> strings(Value v) {
    List<String> out = new ArrayList<>();
    if (v instanceof Vec list) {
      for (Value s : list.items()) {
        if (s instanceof Value.Str str) {
          out.add(str.value());
        }
      }
    }
    return out;
  }
}
