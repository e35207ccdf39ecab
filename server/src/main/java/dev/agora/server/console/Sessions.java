package dev.agora.server.console;

import dev.agora.chain.Hashes;
import dev.agora.core.call.policy.SecurityContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's logins: a random 256-bit session id (the cookie) mapped to the caller's security
 * context and a CSRF token of the same strength, forgotten after {@code idle} without a request,
 * and {@link #LIFETIME} after the login however busy it is (a key revoked or a token expired since
 * does not live on in a browser that keeps asking). Sessions are kept by the SHA-256 of their id,
 * so the ids themselves are held nowhere but in the browser's cookie.
 */
final class Sessions {

  /** A logged-in browser. */
  static final class Session {
    private final SecurityContext caller;
    private final String csrf;
    private final Instant created;
    private volatile Instant lastSeen;

    private Session(SecurityContext caller, String csrf, Instant now) {
      this.caller = caller;
      this.csrf = csrf;
      this.created = now;
      this.lastSeen = now;
    }

    SecurityContext caller() {
      return caller;
    }

    /** The token every form of this session carries. */
    String csrf() {
      return csrf;
    }

    /** Whether {@code token} is this session's CSRF token (in constant time). */
    boolean csrfMatches(String token) {
      return token != null
          && MessageDigest.isEqual(
              csrf.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** A new session: its id, for the cookie, and the session. */
  record Created(String id, Session session) {}

  /** How long a session lasts at most, however busy: one working day. */
  static final Duration LIFETIME = Duration.ofHours(8);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> byDigest = new ConcurrentHashMap<>();
  private final Duration idle;
  private final Clock clock;

  Sessions(Duration idle, Clock clock) {
    this.idle = idle;
    this.clock = clock;
  }

  Created create(SecurityContext caller) {
    Instant now = clock.instant();
    byDigest.values().removeIf(s -> expired(s, now));
    String id = random();
    Session s = new Session(caller, random(), now);
    byDigest.put(digest(id), s);
    return new Created(id, s);
  }

  /** The live session of {@code id} (and it is seen now), or null. */
  Session find(String id) {
    if (id == null) {
      return null;
    }
    String key = digest(id);
    Session s = byDigest.get(key);
    Instant now = clock.instant();
    if (s == null || expired(s, now)) {
      if (s != null) {
        byDigest.remove(key, s);
      }
      return null;
    }
    s.lastSeen = now;
    return s;
  }

  void remove(String id) {
    if (id != null) {
      byDigest.remove(digest(id));
    }
  }

  int size() {
    return byDigest.size();
  }

  private boolean expired(Session s, Instant now) {
    return !now.isBefore(s.lastSeen.plus(idle)) || !now.isBefore(s.created.plus(LIFETIME));
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String digest(String id) {
    return HexFormat.of().formatHex(Hashes.sha256(id.getBytes(StandardCharsets.UTF_8)));
  }
}
