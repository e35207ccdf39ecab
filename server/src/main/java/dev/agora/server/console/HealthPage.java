package dev.agora.server.console;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /console/health}: each discovery source as its latest run left it (registered, problems,
 * failure) and each circuit breaker's latest state — read from the Causal Chain, where the
 * marketplace records both ({@code DiscoveryCompleted}, {@code CircuitChanged}). For full contexts.
 */
final class HealthPage {

  private final CausalChain chain;

  HealthPage(CausalChain chain) {
    this.chain = chain;
  }

  void show(Exchange ex) throws IOException {
    ex.requireFull();
    Html h = new Html().el("h2", "Sources");
    Map<String, Event> sources = latest(EventType.DiscoveryCompleted, "source");
    h.open("table", "id", "sources");
    Text.header(h, "source", "state", "registered", "problems", "at");
    h.open("tbody");
    sources.forEach(
        (name, e) -> {
          boolean ok = e.errorKind() == null;
          h.open("tr", "class", ok ? "ok" : "bad").el("td", name);
          h.el("td", ok ? "ok" : e.errorKind() + ": " + e.error());
          h.el("td", Text.value(e.metadata().get("registered")));
          h.el("td", Text.brief(e.metadata().get("problems")));
          h.el("td", Text.time(e.at())).close("tr");
        });
    h.close("tbody").close("table").el("h2", "Circuit breakers");
    Map<String, Event> circuits = latest(EventType.CircuitChanged, null);
    if (circuits.isEmpty()) {
      h.el("p", "No circuit breaker has changed state: every one is closed.", "id", "circuits");
    } else {
      h.open("table", "id", "circuits");
      Text.header(h, "capability", "state", "was", "since");
      h.open("tbody");
      circuits.forEach(
          (id, e) -> {
            String to = Text.value(e.metadata().get("to"));
            h.open("tr", "class", to.equals(":closed") ? "ok" : "bad");
            h.el("td", id).el("td", to).el("td", Text.value(e.metadata().get("from")));
            h.el("td", Text.time(e.at())).close("tr");
          });
      h.close("tbody").close("table");
    }
    ex.page("Health", h);
  }

  /**
   * The latest action of {@code type} for each source (by the metadata key {@code by}) or, for
   * null, each capability.
   */
  private Map<String, Event> latest(EventType type, String by) {
    Map<String, Event> last = new LinkedHashMap<>();
    for (Entry e : chain.query(ChainQuery.ALL.withType(type.name()))) {
      Event a = e.action();
      String key =
          by == null
              ? a.capabilityId()
              : a.metadata().get(by) instanceof Value.Str s ? s.value() : "?";
      last.remove(key); // the latest goes last
      last.put(key, a);
    }
    return last;
  }
}
