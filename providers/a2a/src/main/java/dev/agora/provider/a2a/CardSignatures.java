package dev.agora.provider.a2a;

import static dev.agora.core.json.JsonObjects.field;
import static dev.agora.core.json.JsonObjects.text;

import dev.agora.chain.Ed25519;
import dev.agora.chain.VerifierKey;
import dev.agora.core.json.Json;
import dev.agora.core.trust.Authority;
import dev.agora.core.trust.TrustPolicy;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The signatures on an agent card (protocols.md §1.8): each a JWS, {@code EdDSA}, detached, over
 * the RFC 8785 canonical card without {@code signatures}, its key the {@code kid} as a verifier key
 * — what Agora's own card carries. Every signature present must verify; then the source's rules say
 * whose must be there.
 */
final class CardSignatures {

  private CardSignatures() {}

  /** A card whose signatures do not satisfy the source's rules (as opposed to a malformed one). */
  static final class Untrusted extends AgentCard.Invalid {
    Untrusted(String message) {
      super(message);
    }
  }

  /** A signature that verified with the key its {@code kid} names. */
  record Signature(String kid, byte[] input, byte[] value) {}

  /**
   * Who vouches for the card, checked against the source's rules: with {@code card_key}, that key
   * must have signed it; with {@code require_signed_card}, a signature must be there and, when
   * {@code trust.authorities} are configured, be by an unexpired authority whose namespaces cover
   * every capability the card makes ({@code ids}) — with both, the pinned key's signature must be
   * an authority's. Null for an unsigned card nothing requires signed; an {@link Untrusted} when
   * the rules are not met.
   */
  static Signer signer(Dict card, AgentSettings s, TrustPolicy trust, List<String> ids, Instant now)
      throws AgentCard.Invalid {
    List<Signature> all = verified(card);
    if (all.isEmpty()) {
      if (s.requireSignedCard() || s.cardKey() != null) {
        throw new Untrusted("the card is not signed, and this source requires a signed card");
      }
      return null;
    }
    if (s.cardKey() != null) {
      all = all.stream().filter(sig -> sig.kid().equals(s.cardKey())).toList();
      if (all.isEmpty()) {
        throw new Untrusted("the card is not signed by the key card_key names");
      }
    }
    if (s.requireSignedCard() && !trust.authorities().isEmpty()) {
      return byAuthority(all, trust, ids, now);
    }
    return new Signer(all.getFirst().kid(), null);
  }

  /** The key that signed, and the trusted authority it is a key of (null: none asked for). */
  record Signer(String kid, String authority) {}

  private static Signer byAuthority(
      List<Signature> all, TrustPolicy trust, List<String> ids, Instant now)
      throws AgentCard.Invalid {
    List<String> why = new ArrayList<>();
    for (Authority a : trust.authorities().values()) {
      Signature sig = signedBy(all, a.keys());
      if (sig == null) {
        continue;
      }
      String uncovered = ids.stream().filter(id -> !a.covers(id)).findFirst().orElse(null);
      if (a.expires() != null && !now.isBefore(a.expires())) {
        why.add("authority '" + a.name() + "' is no longer trusted since " + a.expires());
      } else if (uncovered != null) {
        why.add(
            "authority '"
                + a.name()
                + "' may not vouch for '"
                + uncovered
                + "' (its namespaces: "
                + a.namespaceList()
                + ")");
      } else {
        return new Signer(sig.kid(), a.name());
      }
    }
    throw new Untrusted(
        why.isEmpty()
            ? "the card is signed, but by no key of trust.authorities ("
                + String.join(", ", trust.authorities().keySet())
                + "), and this source requires a signed card"
            : String.join("; ", why));
  }

  private static Signature signedBy(List<Signature> all, List<PublicKey> keys) {
    for (Signature sig : all) {
      for (PublicKey k : keys) {
        if (Ed25519.verify(Ed25519.raw(k.getEncoded()), sig.input(), sig.value())) {
          return sig;
        }
      }
    }
    return null;
  }

  /** Every signature on the card, each verified with the key its {@code kid} names. */
  static List<Signature> verified(Dict card) throws AgentCard.Invalid {
    Vec signatures = field(card, "signatures") instanceof Vec v ? v : Vec.EMPTY;
    List<Signature> out = new ArrayList<>();
    if (signatures.size() == 0) {
      return out;
    }
    String payload =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                Json.canonical(card.dissoc(Json.key("signatures")))
                    .getBytes(StandardCharsets.UTF_8));
    for (int i = 0; i < signatures.size(); i++) {
      out.add(checkOne(signatures.get(i), payload, i));
    }
    return out;
  }

  /** Signature {@code i}, which verifies. */
  private static Signature checkOne(Value sig, String payload, int i) throws AgentCard.Invalid {
    String where = "the card's signatures[" + i + "]";
    if (!(sig instanceof Dict s) || text(s, "protected") == null || text(s, "signature") == null) {
      throw new AgentCard.Invalid(where + " needs 'protected' and 'signature'");
    }
    Dict header;
    byte[] signature;
    try {
      header =
          (Dict)
              Json.parse(
                  new String(
                      Base64.getUrlDecoder().decode(text(s, "protected")), StandardCharsets.UTF_8));
      signature = Base64.getUrlDecoder().decode(text(s, "signature"));
    } catch (RuntimeException e) {
      throw new AgentCard.Invalid(where + " is not base64url JSON: " + e.getMessage());
    }
    String kid = text(header, "kid");
    if (!"EdDSA".equals(text(header, "alg")) || kid == null) {
      throw new AgentCard.Invalid(
          where
              + " must be alg EdDSA with the verifier key as kid; found alg "
              + text(header, "alg"));
    }
    VerifierKey key;
    try {
      key = VerifierKey.parse(kid);
    } catch (RuntimeException e) {
      throw new AgentCard.Invalid(
          where + " names a kid that is no verifier key: " + e.getMessage());
    }
    byte[] input = (text(s, "protected") + "." + payload).getBytes(StandardCharsets.US_ASCII);
    if (!key.verify(input, signature)) {
      throw new AgentCard.Invalid(
          where + " does not verify: the card was changed after it was signed");
    }
    return new Signature(kid, input, signature);
  }
}
