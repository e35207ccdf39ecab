package dev.agora.provider.a2a;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.ChainKey;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.Glob;
import dev.agora.core.trust.Authority;
import dev.agora.core.trust.Pinning;
import dev.agora.core.trust.TrustPolicy;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whose signature a card must carry (card_key, require_signed_card, trust.authorities) and how it
 * asks to be authenticated (its security schemes and requirements, both versions' forms).
 */
class CardTrustTest {

  static final Instant NOW = Instant.parse("2026-12-05T00:00:00Z");
  static final List<String> IDS = List.of("a2a.helper.go", "a2a.helper.stop");
  static final String CARD = "{\"name\":\"helper\",\"url\":\"/rpc\",\"skills\":[{\"id\":\"go\"}]}";

  static AgentSettings settings(
      String tokenEnv, String apiKeyEnv, String cardKey, boolean requireSigned) {
    return new AgentSettings(
        "helper",
        URI.create("http://127.0.0.1:1"),
        tokenEnv,
        apiKeyEnv,
        null,
        null,
        null,
        List.of("network"),
        Duration.ofSeconds(5),
        Duration.ofMillis(100),
        cardKey,
        requireSigned,
        1 << 20,
        Duration.ZERO);
  }

  /** The Ed25519 public key of {@code key}, as trust.authorities hold them. */
  static PublicKey publicKey(ChainKey key) throws Exception {
    String[] parts = key.verifier().encoded().split("\\+", 3);
    byte[] raw = Arrays.copyOfRange(Base64.getDecoder().decode(parts[2]), 1, 33);
    byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
    byte[] x509 = Arrays.copyOf(prefix, prefix.length + 32);
    System.arraycopy(raw, 0, x509, prefix.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
  }

  static TrustPolicy trust(Authority... authorities) {
    Map<String, Authority> byName = new java.util.LinkedHashMap<>();
    for (Authority a : authorities) {
      byName.put(a.name(), a);
    }
    return new TrustPolicy(
        true, byName, List.of(), new Pinning(Pinning.Mode.OFF, Path.of("agora.lock")));
  }

  /** The card signed by each of {@code keys} (each signature over the card without any). */
  static Dict signed(ChainKey... keys) {
    List<Value> signatures = new java.util.ArrayList<>();
    for (ChainKey k : keys) {
      Dict one = (Dict) Json.parse(A2aEdgesTest.sign(CARD, k));
      signatures.add(((Vec) one.get(Json.key("signatures"))).get(0));
    }
    return ((Dict) Json.parse(CARD)).assoc(Json.key("signatures"), Vec.of(signatures));
  }

  @Test
  void anUnsignedCardPassesUnlessSomethingAsksForASignature() throws Exception {
    Dict card = (Dict) Json.parse(CARD);
    assertThat(
            CardSignatures.signer(
                card, settings(null, null, null, false), TrustPolicy.OFF, IDS, NOW))
        .isNull();
    assertThatThrownBy(
            () ->
                CardSignatures.signer(
                    card, settings(null, null, null, true), TrustPolicy.OFF, IDS, NOW))
        .hasMessage("the card is not signed, and this source requires a signed card");
    assertThatThrownBy(
            () ->
                CardSignatures.signer(
                    card, settings(null, null, "k", false), TrustPolicy.OFF, IDS, NOW))
        .hasMessageContaining("is not signed");
  }

  @Test
  void aPinnedKeyMustBeAmongTheSigners() throws Exception {
    ChainKey a = ChainKey.generate("a");
    ChainKey b = ChainKey.generate("b");
    Dict card = signed(a, b);
    assertThat(CardSignatures.verified(card)).hasSize(2);
    String kid = b.verifier().toString();
    assertThat(
            CardSignatures.signer(
                card, settings(null, null, kid, false), TrustPolicy.OFF, IDS, NOW))
        .isEqualTo(new CardSignatures.Signer(kid, null));
    assertThatThrownBy(
            () ->
                CardSignatures.signer(
                    signed(a), settings(null, null, kid, false), TrustPolicy.OFF, IDS, NOW))
        .hasMessage("the card is not signed by the key card_key names");
    // nothing asked: the first signer is reported
    assertThat(CardSignatures.signer(card, settings(null, null, null, false), trust(), IDS, NOW))
        .isEqualTo(new CardSignatures.Signer(a.verifier().toString(), null));
  }

  @Test
  void withAuthoritiesARequiredSignatureIsByOneThatCoversEveryCapability() throws Exception {
    ChainKey acmeKey = ChainKey.generate("acme");
    ChainKey other = ChainKey.generate("other");
    Authority acme =
        new Authority("acme", List.of(publicKey(acmeKey)), List.of(Glob.of("a2a.helper.*")), null);
    Authority narrow =
        new Authority("narrow", List.of(publicKey(other)), List.of(Glob.of("a2a.helper.go")), null);
    Authority old =
        new Authority("old", List.of(publicKey(other)), List.of(Glob.of("*")), NOW.minusSeconds(1));
    AgentSettings required = settings(null, null, null, true);

    assertThat(
            CardSignatures.signer(signed(other, acmeKey), required, trust(narrow, acme), IDS, NOW))
        .isEqualTo(new CardSignatures.Signer(acmeKey.verifier().toString(), "acme"));
    assertThatThrownBy(
            () -> CardSignatures.signer(signed(other), required, trust(narrow, old), IDS, NOW))
        .hasMessage(
            "authority 'narrow' may not vouch for 'a2a.helper.stop' (its namespaces:"
                + " a2a.helper.go); authority 'old' is no longer trusted since "
                + NOW.minusSeconds(1));
    assertThatThrownBy(() -> CardSignatures.signer(signed(other), required, trust(acme), IDS, NOW))
        .hasMessage(
            "the card is signed, but by no key of trust.authorities (acme), and this source"
                + " requires a signed card");
    // a pinned key and authorities: the pinned key's signature must be an authority's
    String acmeKid = acmeKey.verifier().toString();
    assertThat(
            CardSignatures.signer(
                signed(other, acmeKey), settings(null, null, acmeKid, true), trust(acme), IDS, NOW))
        .isEqualTo(new CardSignatures.Signer(acmeKid, "acme"));
    assertThatThrownBy(
            () ->
                CardSignatures.signer(
                    signed(other, acmeKey),
                    settings(null, null, other.verifier().toString(), true),
                    trust(acme),
                    IDS,
                    NOW))
        .isInstanceOf(CardSignatures.Untrusted.class)
        .hasMessageContaining("by no key of trust.authorities (acme)");
    // not required: any signature that verifies will do, authorities or not
    assertThat(
            CardSignatures.signer(
                signed(other), settings(null, null, null, false), trust(acme), IDS, NOW))
        .isEqualTo(new CardSignatures.Signer(other.verifier().toString(), null));
  }

  static CardSecurity security(String json) {
    return CardSecurity.read((Dict) Json.parse(json));
  }

  @Test
  void schemesOfBothVersionsAreReadAndTheApiKeyHeaderTaken() {
    CardSecurity v10 =
        security(
            """
            {"securitySchemes":{
               "bearer":{"httpAuthSecurityScheme":{"scheme":"Bearer","bearerFormat":"JWT"}},
               "key":{"apiKeySecurityScheme":{"location":"header","name":"X-Agent-Key"}},
               "oauth":{"oauth2SecurityScheme":{"flows":{}}},
               "oidc":{"openIdConnectSecurityScheme":{"openIdConnectUrl":"https://x"}},
               "mtls":{"mtlsSecurityScheme":{}},
               "basic":{"httpAuthSecurityScheme":{"scheme":"Basic"}},
               "query":{"apiKeySecurityScheme":{"location":"query","name":"k"}},
               "odd":{"somethingElse":{}},
               "junk":7},
             "securityRequirements":[{"schemes":{"bearer":{"list":[]}}},{"schemes":{"key":{"list":[]}}}]}""");
    assertThat(v10.schemes().keySet())
        .containsExactly("bearer", "key", "oauth", "oidc", "mtls", "basic", "query", "odd");
    assertThat(v10.schemes().values())
        .extracting(CardSecurity.Scheme::describe)
        .containsExactly(
            "a bearer token (token_env)",
            "an API key in header X-Agent-Key (api_key_env)",
            "an OAuth 2 access token (token_env)",
            "an OpenID Connect token (token_env)",
            "a client certificate (mTLS), which Agora's client cannot send",
            "HTTP Basic authentication, which Agora's client cannot send",
            "an API key in the query 'k', which Agora's client cannot send",
            "an unknown scheme {\"somethingElse\":{}}, which Agora's client cannot send");
    assertThat(v10.requirements()).containsExactly(List.of("bearer"), List.of("key"));
    assertThat(v10.apiKeyHeader()).isEqualTo("X-Agent-Key");

    CardSecurity v03 =
        security(
            """
            {"securitySchemes":{
               "b":{"type":"http","scheme":"bearer"},
               "k":{"type":"apiKey","in":"header","name":"X-Key"},
               "o":{"type":"oauth2"},"i":{"type":"openIdConnect"},"m":{"type":"mutualTLS"},
               "n":{}},
             "security":[{"b":[],"k":[]}, 3]}""");
    assertThat(v03.schemes().get("b").kind()).isEqualTo(CardSecurity.Kind.BEARER);
    assertThat(v03.schemes().get("o").kind()).isEqualTo(CardSecurity.Kind.BEARER);
    assertThat(v03.schemes().get("i").kind()).isEqualTo(CardSecurity.Kind.BEARER);
    assertThat(v03.schemes().get("m").describe()).startsWith("a client certificate (mTLS)");
    assertThat(v03.schemes().get("n").kind()).isEqualTo(CardSecurity.Kind.OTHER);
    assertThat(v03.requirements()).containsExactly(List.of("b", "k"));
    assertThat(v03.apiKeyHeader()).isEqualTo("X-Key");
    assertThat(security("{}")).isEqualTo(CardSecurity.NONE);
    assertThat(security("{}").apiKeyHeader()).isNull();
  }

  @Test
  void aSourceThatCannotMeetAnyRequirementIsToldWhatTheCardAsksFor() {
    CardSecurity either =
        security(
            """
            {"securitySchemes":{"b":{"type":"http","scheme":"bearer"},
                                "k":{"type":"apiKey","in":"header","name":"X-Key"},
                                "m":{"type":"mutualTLS"}},
             "security":[{"b":[]},{"k":[],"m":[]},{"ghost":[]}]}""");
    assertThat(either.gap(settings("T", null, null, false))).isNull();
    assertThat(either.gap(settings(null, "K", null, false)))
        .isEqualTo(
            "the card asks for a bearer token (token_env), or an API key in header X-Key"
                + " (api_key_env) and a client certificate (mTLS), which Agora's client cannot"
                + " send, or the undeclared scheme 'ghost'; this source sends an API key");
    assertThat(either.gap(settings(null, null, null, false))).endsWith("sends no credentials");
    CardSecurity both =
        security(
            """
            {"securitySchemes":{"b":{"type":"http","scheme":"bearer"},
                                "k":{"type":"apiKey","in":"header","name":"X-Key"}},
             "security":[{"b":[],"k":[]}]}""");
    assertThat(both.gap(settings("T", "K", null, false))).isNull();
    assertThat(both.gap(settings("T", null, null, false))).endsWith("sends a bearer token");
    // nothing required, or an empty requirement (anyone may call)
    assertThat(
            security("{\"securitySchemes\":{\"b\":{\"type\":\"http\",\"scheme\":\"bearer\"}}}")
                .gap(settings(null, null, null, false)))
        .isNull();
    assertThat(security("{\"security\":[{}]}").gap(settings(null, null, null, false))).isNull();
  }
}
