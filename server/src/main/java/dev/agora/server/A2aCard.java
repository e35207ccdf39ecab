package dev.agora.server;

import dev.agora.chain.ChainKey;
import dev.agora.core.Marketplace;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Agora's agent card: one card for both protocol versions (protocols.md §1.9) — the 1.0 fields and
 * the 0.3 ones derived from the same interfaces — whose skills are the capabilities the caller may
 * call (anonymous callers see what the anonymous context allows; an unknown one sees none). It is
 * signed with the node's key: a JWS ({@code EdDSA}, detached) over the RFC 8785 canonical card
 * without {@code signatures}. The card leaves out empty optional fields, so a verifier that
 * normalises by the proto presence rules canonicalises the same bytes.
 */
final class A2aCard {

  static final String VERSION = "0.1.0";
  static final List<String> MODES = List.of("application/json", "text/plain");

  private final Marketplace marketplace;
  private final ServerSettings.A2aSettings settings;
  private final ChainKey key;

  A2aCard(Marketplace marketplace, ServerSettings.A2aSettings settings) {
    this.marketplace = marketplace;
    this.settings = settings;
    this.key =
        marketplace.nodeKey() != null ? marketplace.nodeKey() : ChainKey.generate("agora-server");
  }

  /** The key the card is signed with (its verifier is published as the JWS {@code kid}). */
  ChainKey key() {
    return key;
  }

  /** The card {@code who} sees, for the agent at {@code base} ({@code http://host:port}). */
  Dict card(SecurityContext who, String base) {
    String url = base + "/a2a";
    Vec interfaces =
        Vec.of(
            List.of(
                iface(url, "JSONRPC", "1.0"),
                iface(url, "HTTP+JSON", "1.0"),
                iface(url, "JSONRPC", "0.3"),
                iface(url, "HTTP+JSON", "0.3")));
    Dict card =
        Rpc.obj(
            "name",
            "Agora",
            "description",
            "A governed capability marketplace: each skill is a capability, called through one"
                + " audited call path. Name the skill in message.metadata.skillId and send its"
                + " arguments as a data part.",
            "version",
            VERSION,
            "supportedInterfaces",
            interfaces,
            "capabilities",
            Rpc.obj(
                "streaming",
                true,
                "pushNotifications",
                settings.push() ? Boolean.TRUE : null,
                "extendedAgentCard",
                true),
            "securitySchemes",
            Rpc.obj(
                "apiKey",
                Rpc.obj(
                    "apiKeySecurityScheme",
                    Rpc.obj("location", "header", "name", "X-API-Key"),
                    "type",
                    "apiKey",
                    "in",
                    "header",
                    "name",
                    "X-API-Key"),
                "bearer",
                Rpc.obj(
                    "httpAuthSecurityScheme",
                    Rpc.obj("scheme", "Bearer"),
                    "type",
                    "http",
                    "scheme",
                    "bearer")),
            "securityRequirements",
            Vec.of(
                List.of(
                    Rpc.obj("schemes", Rpc.obj("apiKey", Rpc.obj("list", Vec.EMPTY))),
                    Rpc.obj("schemes", Rpc.obj("bearer", Rpc.obj("list", Vec.EMPTY))))),
            "security",
            Vec.of(List.of(Rpc.obj("apiKey", Vec.EMPTY), Rpc.obj("bearer", Vec.EMPTY))),
            "defaultInputModes",
            strings(MODES),
            "defaultOutputModes",
            strings(MODES),
            "skills",
            skills(who),
            // 0.3: the same interfaces, as that version names them
            "protocolVersion",
            "0.3.0",
            "url",
            url,
            "preferredTransport",
            "JSONRPC",
            "additionalInterfaces",
            Vec.of(
                List.of(
                    Rpc.obj("url", url, "transport", "JSONRPC"),
                    Rpc.obj("url", url, "transport", "HTTP+JSON"))),
            "supportsAuthenticatedExtendedCard",
            true);
    return card.assoc(Json.key("signatures"), Vec.of(List.of(sign(card))));
  }

  private static Dict iface(String url, String binding, String version) {
    return Rpc.obj("url", url, "protocolBinding", binding, "protocolVersion", version);
  }

  private static Vec strings(List<String> s) {
    return Vec.of(s.stream().map(x -> (Value) Value.of(x)).toList());
  }

  /** The capabilities {@code who} may call, as skills (id = capability id), in id order. */
  private Vec skills(SecurityContext who) {
    List<Value> out = new ArrayList<>();
    if (who == null) {
      return Vec.EMPTY;
    }
    Set<String> seen = new java.util.HashSet<>();
    for (CapabilityManifest m : marketplace.registry().all()) { // ids in order, newest first
      if (!seen.add(m.id()) || !marketplace.mayCall(who, m)) {
        continue;
      }
      Set<String> tags = new LinkedHashSet<>(List.of("agora", m.provider().type()));
      tags.addAll(m.effects());
      out.add(
          Rpc.obj(
              "id",
              m.id(),
              "name",
              m.name() == null || m.name().isBlank() ? m.id() : m.name(),
              "description",
              m.description() == null || m.description().isBlank()
                  ? "Capability " + m.id() + " " + m.version()
                  : m.description(),
              "tags",
              strings(List.copyOf(tags)),
              "inputModes",
              strings(List.of("application/json")),
              "outputModes",
              strings(MODES)));
    }
    return Vec.of(out);
  }

  /** A detached JWS over the canonical card: {@code {protected, signature}}. */
  Dict sign(Dict card) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header =
        b64.encodeToString(
            Json.canonical(Rpc.obj("alg", "EdDSA", "typ", "JOSE", "kid", key.verifier().toString()))
                .getBytes(StandardCharsets.UTF_8));
    String payload = b64.encodeToString(Json.canonical(card).getBytes(StandardCharsets.UTF_8));
    byte[] sig = key.sign((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
    return Rpc.obj("protected", header, "signature", b64.encodeToString(sig));
  }
}
