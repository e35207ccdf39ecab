package dev.agora.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.agora.chain.Hashes;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.AgoraConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code server.oauth} at work: Agora as an OAuth 2.1 resource server. A bearer token shaped like a
 * JWT is an access token of the configured authorization server: its signature is checked with the
 * server's key set (fetched from {@code jwks_url} or the server's metadata, cached, fetched again
 * for a key it does not know — rotation — at most every few seconds), then its issuer, its expiry
 * and not-before (within {@code clock_skew}) and its audience, which must be this resource (RFC
 * 8707). The token acts as the security context of the first of its scopes that {@code scopes}
 * maps; a valid token with none of them is refused with {@code insufficient_scope}. The token is
 * never kept, logged or passed on; a valid one is remembered by its SHA-256 until it expires (at
 * most five minutes), so a client's next requests with it cost a digest instead of a signature
 * check.
 */
final class BearerTokens {

  /** What a token comes to. */
  sealed interface Verdict {

    /** A valid token: it acts as {@code caller}. */
    record Accepted(SecurityContext caller) implements Verdict {}

    /**
     * A refusal: 401 {@code invalid_token}, 403 {@code insufficient_scope}, or 503 when the
     * authorization server's keys cannot be had.
     */
    record Refused(int status, String error, String description) implements Verdict {}
  }

  /** Where this resource's metadata is served (and, with a path after it, for that path). */
  static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

  /** The signature algorithms taken: RSA and elliptic curves; never none, never a shared secret. */
  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(
          JWSAlgorithm.RS256,
          JWSAlgorithm.RS384,
          JWSAlgorithm.RS512,
          JWSAlgorithm.PS256,
          JWSAlgorithm.PS384,
          JWSAlgorithm.PS512,
          JWSAlgorithm.ES256,
          JWSAlgorithm.ES384,
          JWSAlgorithm.ES512);

  /** Three base64url parts (the last empty for an unsigned one, which is then refused). */
  private static final Pattern JWT =
      Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  /** What a subject may be made of (it is part of the caller's name in the Causal Chain). */
  private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._@|+:~-]{1,255}");

  /** How long a failure to reach the authorization server is remembered before trying again. */
  private static final long RETRY_NANOS = 5_000_000_000L;

  private final ServerSettings.OAuth settings;
  private final Map<String, SecurityContext> scopes = new LinkedHashMap<>();
  private final Map<String, SecurityContext.Tenant> tenants = new LinkedHashMap<>();
  private final Supplier<String> ownUrl;
  private final ResourceRetriever retriever;
  private final LongSupplier nanos;

  private DefaultJWTProcessor<com.nimbusds.jose.proc.SecurityContext> processor;
  private String failure;
  private long failedAt;

  /**
   * @param ownUrl this server's /mcp URL (the audience unless one is configured), known once bound
   */
  BearerTokens(ServerSettings.OAuth settings, AgoraConfig config, Supplier<String> ownUrl) {
    this(
        settings,
        config,
        ownUrl,
        new DefaultResourceRetriever(2_000, 2_000, 512 * 1024),
        System::nanoTime);
  }

  BearerTokens(
      ServerSettings.OAuth settings,
      AgoraConfig config,
      Supplier<String> ownUrl,
      ResourceRetriever retriever,
      LongSupplier nanos) {
    this(settings, config, ownUrl, retriever, nanos, System::currentTimeMillis);
  }

  /**
   * @param nanos when to try an unreachable authorization server again
   * @param millis the wall clock a remembered token's expiry is read against
   */
  BearerTokens(
      ServerSettings.OAuth settings,
      AgoraConfig config,
      Supplier<String> ownUrl,
      ResourceRetriever retriever,
      LongSupplier nanos,
      LongSupplier millis) {
    this.millis = millis;
    this.settings = settings;
    this.ownUrl = ownUrl;
    this.retriever = retriever;
    this.nanos = nanos;
    settings.scopes().forEach((scope, context) -> scopes.put(scope, config.context(context)));
    ServerSettings server = ServerSection.of(config);
    server.tenants().keySet().forEach(t -> tenants.put(t, Callers.tenant(server, t)));
  }

  /** Whether {@code token} is shaped like a JWT (anything else may still be an API key). */
  static boolean isJwt(String token) {
    return JWT.matcher(token).matches();
  }

  /** The audience tokens must name: the configured one, or this server's /mcp URL. */
  String audience() {
    return settings.audience() != null ? settings.audience() : ownUrl.get();
  }

  /**
   * The URL of this resource's metadata (RFC 9728 §3.1: the well-known path inserted before the
   * audience's path), for {@code WWW-Authenticate}'s {@code resource_metadata}.
   */
  String metadataUrl() {
    URI resource = URI.create(audience());
    String path =
        resource.getRawPath() == null || resource.getRawPath().equals("/")
            ? ""
            : resource.getRawPath();
    return resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + path;
  }

  /** This resource's metadata document (RFC 9728 §2). */
  Map<String, Object> metadata() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("resource", audience());
    doc.put("authorization_servers", List.of(settings.issuer().toString()));
    doc.put("scopes_supported", List.copyOf(scopes.keySet()));
    doc.put("bearer_methods_supported", List.of("header"));
    doc.put("resource_name", "Agora");
    return doc;
  }

  /**
   * Tokens found valid, by the SHA-256 of the token (the token itself is not kept), until their
   * expiry or for at most {@link #REMEMBERED}: a client sends the same token with every request,
   * and checking its signature again costs more than the rest of the request.
   */
  private final Cache<String, Remembered> valid =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(REMEMBERED).build();

  /** How long a valid token is taken on its digest alone (the key set is cached as long). */
  static final Duration REMEMBERED = Duration.ofMinutes(5);

  /** A token found valid: what it comes to, and until when (epoch millis: its {@code exp}). */
  private record Remembered(Verdict.Accepted verdict, long until) {}

  private final LongSupplier millis;
  private final AtomicInteger verifications = new AtomicInteger();

  /** How many tokens were checked in full (not taken on their digest). */
  int verifications() {
    return verifications.get();
  }

  /**
   * Checks {@code token} (a JWT, see {@link #isJwt}); a token found valid before is taken on its
   * digest until its expiry, for at most {@link #REMEMBERED}.
   */
  Verdict check(String token) {
    String digest = Hashes.hex(Hashes.sha256(token.getBytes(StandardCharsets.UTF_8)));
    Remembered r = valid.getIfPresent(digest);
    if (r != null && millis.getAsLong() < r.until()) {
      return r.verdict();
    }
    verifications.incrementAndGet();
    return verify(token, digest);
  }

  /**
   * Checks {@code token} in full — signature, claims, subject, tenant, scopes — and remembers it
   * under {@code digest} when it is valid.
   */
  private Verdict verify(String token, String digest) {
    DefaultJWTProcessor<com.nimbusds.jose.proc.SecurityContext> p;
    try {
      p = processor();
    } catch (Unreachable e) {
      return new Verdict.Refused(503, "temporarily_unavailable", e.getMessage());
    }
    JWTClaimsSet claims;
    try {
      claims = p.process(token, null);
    } catch (RateLimitReachedException e) {
      // the key set was fetched again moments ago and still lacks the token's key
      return invalid("the token's key is not in the authorization server's key set");
    } catch (KeySourceException e) {
      return new Verdict.Refused(
          503,
          "temporarily_unavailable",
          "the authorization server's keys cannot be fetched: " + e.getMessage());
    } catch (ParseException | BadJOSEException | JOSEException e) {
      return invalid(e.getMessage());
    }
    String subject = claims.getSubject();
    if (!SUBJECT.matcher(subject).matches()) {
      // the subject becomes part of the caller's recorded name: no separators (/, spaces, " via "),
      // no control characters, nothing to pass for another caller
      return invalid("the token's subject is not 1 to 255 of A-Z a-z 0-9 . _ @ | + : ~ -");
    }
    Object tenant = claims.getClaim(settings.tenantClaim());
    if (tenant == null && settings.requireTenant()) {
      return invalid(
          "the token names no tenant ("
              + settings.tenantClaim()
              + " claim; server.oauth.require_tenant)");
    }
    if (tenant != null && !(tenant instanceof String t && tenants.containsKey(t))) {
      return invalid(
          "the token's tenant (" + settings.tenantClaim() + " claim) is not one of this server's");
    }
    List<String> granted = granted(claims);
    for (Map.Entry<String, SecurityContext> s : scopes.entrySet()) {
      if (granted.contains(s.getKey())) {
        SecurityContext c =
            s.getValue().named(settings.scopes().get(s.getKey()) + "/oauth:" + subject);
        Verdict.Accepted accepted =
            new Verdict.Accepted(tenant == null ? c : c.in(tenants.get((String) tenant)));
        valid.put(digest, new Remembered(accepted, claims.getExpirationTime().getTime()));
        return accepted;
      }
    }
    return new Verdict.Refused(
        403,
        "insufficient_scope",
        "the token has none of the scopes this server maps ("
            + String.join(" ", scopes.keySet())
            + ")");
  }

  /** Every scope of space-separated {@code scope} (RFC 9068) or a {@code scp} list. */
  private static List<String> granted(JWTClaimsSet claims) {
    List<String> out = new ArrayList<>();
    Object scope = claims.getClaim("scope");
    if (scope instanceof String s) {
      out.addAll(List.of(s.trim().split("\\s+")));
    }
    Object scp = claims.getClaim("scp");
    if (scp instanceof List<?> list) {
      list.forEach(o -> out.add(String.valueOf(o)));
    } else if (scp instanceof String s) {
      out.addAll(List.of(s.trim().split("\\s+")));
    }
    return out;
  }

  private static Verdict invalid(String why) {
    return new Verdict.Refused(
        401, "invalid_token", Objects.requireNonNullElse(why, "the token is not valid"));
  }

  /** The token processor, made at the first token (the audience and the key set are known then). */
  private synchronized DefaultJWTProcessor<com.nimbusds.jose.proc.SecurityContext> processor()
      throws Unreachable {
    if (processor != null) {
      return processor;
    }
    if (failure != null && nanos.getAsLong() - failedAt < RETRY_NANOS) {
      throw new Unreachable(failure);
    }
    try {
      JWKSource<com.nimbusds.jose.proc.SecurityContext> keys =
          JWKSourceBuilder.create(jwksUrl().toURL(), retriever)
              .cache(300_000, 15_000)
              .rateLimited(5_000)
              .refreshAheadCache(false)
              .build();
      DefaultJWTProcessor<com.nimbusds.jose.proc.SecurityContext> p = new DefaultJWTProcessor<>();
      p.setJWSTypeVerifier(
          new DefaultJOSEObjectTypeVerifier<>(
              JOSEObjectType.JWT,
              new JOSEObjectType("at+jwt"),
              new JOSEObjectType("application/at+jwt"),
              null));
      p.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys));
      DefaultJWTClaimsVerifier<com.nimbusds.jose.proc.SecurityContext> claims =
          new DefaultJWTClaimsVerifier<>(
              Set.of(audience()),
              new JWTClaimsSet.Builder().issuer(settings.issuer().toString()).build(),
              Set.of("sub", "exp"),
              null);
      claims.setMaxClockSkew((int) settings.clockSkew().toSeconds());
      p.setJWTClaimsSetVerifier(claims);
      processor = p;
      failure = null;
      return p;
    } catch (Unreachable e) {
      failure = e.getMessage();
      failedAt = nanos.getAsLong();
      throw e;
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      failure = "the key set's URL cannot be used: " + e.getMessage();
      failedAt = nanos.getAsLong();
      throw new Unreachable(failure);
    }
  }

  /** {@code jwks_url}, or the {@code jwks_uri} of the authorization server's metadata. */
  private URI jwksUrl() throws Unreachable {
    if (settings.jwksUrl() != null) {
      return settings.jwksUrl();
    }
    List<String> tried = new ArrayList<>();
    for (URI where : AuthServerMetadata.locations(settings.issuer())) {
      try {
        return AuthServerMetadata.jwksUri(retriever, where, settings.issuer());
      } catch (Unreachable e) {
        tried.add(e.getMessage());
      }
    }
    throw new Unreachable(
        "the authorization server "
            + settings.issuer()
            + " gives no key set: "
            + String.join("; ", tried));
  }

  /** The authorization server or its keys cannot be had now (503; tried again after a while). */
  static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message);
    }
  }
}
