package dev.agora.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.chain.event.EventSink;
import dev.agora.core.call.policy.IsolationPolicy;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.error.AgoraError;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.spi.CallContext;
import dev.agora.core.spi.Provider;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Marketplace#subscribe}: only a caller that may call the capability subscribes, an update
 * reaches it only while it still may, and a provider that cannot watch says so.
 */
class SubscribeTest {

  /** The URIs subscribed to, and how to tell the last subscriber of a change. */
  final List<String> watched = new ArrayList<>();

  Runnable tell;

  final Provider watching =
      new Provider() {
        @Override
        public String type() {
          return "http";
        }

        @Override
        public Value execute(CapabilityManifest m, Value input, CallContext call) {
          return Value.NIL;
        }

        @Override
        public Subscription subscribe(CapabilityManifest m, String uri, Runnable updated) {
          watched.add(uri);
          tell = updated;
          return () -> watched.remove(uri);
        }
      };

  final Marketplace market =
      Marketplace.builder().sink(EventSink.NONE).log(l -> {}).provider(watching).build();

  final CapabilityManifest feed =
      CapabilityManifest.builder("news.feed")
          .provider(new ProviderSpec.Http("http://feed.invalid/", "GET", Dict.EMPTY))
          .effects("network")
          .build();

  @AfterEach
  void close() {
    market.close();
  }

  @Test
  void updatesReachTheSubscriberWhileItMayCall() {
    market.register(feed, "test");
    List<String> heard = new ArrayList<>();
    Provider.Subscription s =
        market.subscribe(SecurityContext.full("op"), feed, "feed://today", () -> heard.add("x"));
    assertThat(watched).containsExactly("feed://today");
    tell.run();
    assertThat(heard).hasSize(1);

    market.setPolicy(IsolationPolicy.allowAll().withDeny("news.*"));
    tell.run();
    assertThat(heard).as("denied since it subscribed: it hears nothing more").hasSize(1);

    s.close();
    assertThat(watched).isEmpty();
  }

  @Test
  void aCallerThatMayNotCallCannotSubscribe() {
    assertThatThrownBy(
            () ->
                market.subscribe(
                    SecurityContext.controlled("agent", "ccos.*"), feed, "feed://x", () -> {}))
        .isInstanceOf(AgoraError.SecurityViolation.class)
        .hasMessage(
            "caller 'agent' may not call 'news.feed': its context or the policy does not allow it");
    assertThat(watched).isEmpty();
  }

  @Test
  void aProviderThatCannotWatchSaysSo() {
    market.bootstrap();
    CapabilityManifest local = market.registry().get("ccos.echo");
    assertThatThrownBy(() -> market.subscribe(SecurityContext.full("op"), local, "x", () -> {}))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessage(
            "capability 'ccos.echo' failed: its provider ('local') cannot tell when what it reads"
                + " changes");

    CapabilityManifest remote =
        CapabilityManifest.builder("far.away")
            .provider(new ProviderSpec.Mcp("nowhere", "tool", Dict.EMPTY))
            .build();
    assertThatThrownBy(() -> market.subscribe(SecurityContext.full("op"), remote, "x", () -> {}))
        .isInstanceOf(AgoraError.ProviderError.class)
        .hasMessageContaining("no provider of type 'mcp' is installed");
  }
}
