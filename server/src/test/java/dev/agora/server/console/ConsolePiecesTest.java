package dev.agora.server.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.call.policy.SecurityContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The console's small parts: escaping, building HTML, sessions and their CSRF tokens. */
class ConsolePiecesTest {

  @Test
  void escapingLeavesNoMarkupInTextOrAttributes() {
    assertThat(Html.escape("<a href=\"x\" title='y'>&amp;</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
    assertThat(Html.escape(null)).isEmpty();
    assertThat(Html.escape("plain ünïcode")).isEqualTo("plain ünïcode");
    Html h =
        new Html()
            .open("div", "title", "\"><script>", "hidden", null)
            .text("<b>")
            .el("span", "x", "class", "a'b")
            .close("div");
    assertThat(h.toString())
        .isEqualTo(
            "<div title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;<span class=\"a&#39;b\">x</span></div>");
    assertThatThrownBy(() -> new Html().open("a", "href"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A clock the test moves. */
  static final class Moving extends Clock {
    Instant now = Instant.parse("2026-12-05T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aSessionLivesWhileUsedAndEndsAfterItsIdleTime() {
    Moving clock = new Moving();
    Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);
    Sessions.Created c = sessions.create(SecurityContext.full("ops"));
    assertThat(c.id()).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(c.session().csrf()).hasSize(43).isNotEqualTo(c.id());
    clock.now = clock.now.plus(Duration.ofMinutes(29));
    assertThat(sessions.find(c.id())).isSameAs(c.session()); // seen: idle time starts again
    clock.now = clock.now.plus(Duration.ofMinutes(29));
    assertThat(sessions.find(c.id())).isSameAs(c.session());
    clock.now = clock.now.plus(Duration.ofMinutes(30));
    assertThat(sessions.find(c.id())).isNull();
    assertThat(sessions.size()).isZero();
    assertThat(sessions.find(null)).isNull();
    assertThat(sessions.find("unknown")).isNull();
  }

  @Test
  void aBusySessionStillEndsAtItsLifetime() {
    Moving clock = new Moving();
    Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);
    Sessions.Created c = sessions.create(SecurityContext.full("ops"));
    Duration used = Duration.ZERO;
    while (used.plus(Duration.ofMinutes(20)).compareTo(Sessions.LIFETIME) < 0) {
      clock.now = clock.now.plus(Duration.ofMinutes(20));
      used = used.plus(Duration.ofMinutes(20));
      assertThat(sessions.find(c.id())).as("after %s", used).isSameAs(c.session());
    }
    clock.now = clock.now.plus(Sessions.LIFETIME.minus(used));
    assertThat(sessions.find(c.id())).as("at its lifetime, however busy").isNull();
  }

  @Test
  void expiredSessionsAreDroppedWhenAnotherLogsIn() {
    Moving clock = new Moving();
    Sessions sessions = new Sessions(Duration.ofMinutes(30), clock);
    Sessions.Created old = sessions.create(SecurityContext.full("a"));
    clock.now = clock.now.plus(Duration.ofHours(1));
    Sessions.Created fresh = sessions.create(SecurityContext.full("b"));
    assertThat(sessions.size()).isEqualTo(1);
    assertThat(sessions.find(fresh.id()).caller().identity()).isEqualTo("b");
    sessions.remove(fresh.id());
    sessions.remove(null);
    assertThat(sessions.find(fresh.id())).isNull();
    assertThat(sessions.find(old.id())).isNull();
  }

  @Test
  void theSessionCookieIsSecureOverHttps() {
    assertThat(LoginPage.cookie("v", 60, true))
        .isEqualTo("agora_console=v; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
    assertThat(LoginPage.cookie("v", 60, false)).doesNotContain("Secure");
  }

  @Test
  void onlyTheSessionsOwnTokenPasses() {
    Sessions sessions = new Sessions(Duration.ofMinutes(30), Clock.systemUTC());
    Sessions.Session s = sessions.create(SecurityContext.full("a")).session();
    Sessions.Session other = sessions.create(SecurityContext.full("a")).session();
    assertThat(s.csrfMatches(s.csrf())).isTrue();
    assertThat(s.csrfMatches(other.csrf())).isFalse();
    assertThat(s.csrfMatches(null)).isFalse();
    assertThat(s.csrfMatches("")).isFalse();
  }
}
