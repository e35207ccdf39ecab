package dev.agora.provider.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agora.core.spi.Provider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of watched resources, against a server that records what it is asked: one
 * subscription per URI, made again only while watched, and a refusal that leaves nothing behind.
 */
class SubscriptionsTest {

  final List<String> asked = new CopyOnWriteArrayList<>();
  final List<String> log = new CopyOnWriteArrayList<>();
  final Subscriptions subs = new Subscriptions("s", log::add);

  {
    subs.to(
        new Subscriptions.Server() {
          @Override
          public void subscribe(String uri) {
            asked.add("+" + uri);
            if (uri.startsWith("bad:")) {
              throw new McpConnection.ServerError("no " + uri, null);
            }
          }

          @Override
          public void unsubscribe(String uri) {
            asked.add("-" + uri);
          }
        });
  }

  @Test
  void aUriIsMadeAgainOnlyWhileWatched() {
    Provider.Subscription a = subs.add("mem://a", () -> {});
    subs.renew("mem://a");
    subs.renew("mem://gone");
    assertThat(asked).containsExactly("+mem://a", "+mem://a");
    a.close();
    subs.renew("mem://a");
    assertThat(asked).containsExactly("+mem://a", "+mem://a", "-mem://a");
    subs.updated("mem://a"); // nobody watches: nothing to tell, nothing fails
    assertThat(log).isEmpty();
  }

  @Test
  void aRefusedSubscriptionLeavesNothingToMakeAgain() {
    assertThatThrownBy(() -> subs.add("bad:x", () -> {}))
        .isInstanceOf(McpConnection.ServerError.class)
        .hasMessage("no bad:x");
    assertThat(subs.watched()).isEmpty();
    subs.renew("bad:x");
    assertThat(asked).containsExactly("+bad:x");
    assertThat(log).isEmpty();
  }
}
