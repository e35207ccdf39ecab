package dev.agora.server.console;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.Hashes;
import dev.agora.chain.InclusionProof;
import dev.agora.chain.VerifierKey;
import dev.agora.chain.event.Event;
import dev.agora.chain.event.EventType;
import dev.agora.core.AgoraNode;
import dev.agora.core.Marketplace;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Causal Chain explorer, for full contexts (it shows every caller's calls): recent actions and
 * plans ({@code /console/chain}), recent and running calls ({@code /console/calls}, refreshed by
 * htmx), a plan's tree ({@code /console/plan?id=}) and an action with its inclusion proof ({@code
 * /console/action?id=}), which proof.js checks again in the browser.
 */
final class ChainPages {

  /** Rows a list shows, at most. */
  private static final int ROWS = 100;

  /** How far back the calls page looks for calls and their outcomes, in entries. */
  private static final int CALL_WINDOW = 2_000;

  private final CausalChain chain;
  private final Marketplace marketplace;
  private final VerifierKey key;

  ChainPages(AgoraNode node) {
    this.chain = node.chain();
    this.marketplace = node.marketplace();
    this.key = node.ledger().key().verifier();
  }

  void recent(Exchange ex) throws IOException {
    ex.requireFull();
    String capability = ex.param("capability");
    Html h = new Html();
    if (capability == null) {
      h.el("h2", "Plans").open("ul", "id", "plans");
      for (Entry e : tail(ChainQuery.ALL.withType(EventType.PlanStarted.name()), 20)) {
        Event a = e.action();
        h.open("li").link(Text.href("/console/plan", "id", a.planId()), summary(a));
        h.text(" " + Text.time(a.at())).close("li");
      }
      h.close("ul");
    }
    List<Entry> shown =
        capability == null
            ? chain.query(ChainQuery.ALL.after(chain.size() - ROWS - 1))
            : tail(ChainQuery.ALL.withCapability(capability), ROWS);
    h.el("h2", capability == null ? "Latest actions" : "Actions of " + capability);
    h.open("table", "id", "actions");
    Text.header(h, "#", "time", "type", "caller", "what");
    h.open("tbody");
    for (Entry e : shown.reversed()) {
      Event a = e.action();
      h.open("tr").el("td", Long.toString(e.index())).el("td", Text.time(a.at()));
      h.open("td").link(actionLink(a.id()), a.type().name()).close("td");
      h.el("td", a.caller()).el("td", summary(a)).close("tr");
    }
    ex.page("Causal Chain (" + chain.size() + " actions)", h.close("tbody").close("table"));
  }

  void calls(Exchange ex) throws IOException {
    ex.requireFull();
    Html live = live();
    if (ex.htmx()) {
      ex.fragment(live);
      return;
    }
    Html h =
        new Html().open("div", "id", "live", "hx-get", "/console/calls", "hx-trigger", "every 2s");
    ex.page("Calls", h.add(live).close("div"));
  }

  /** Calls in flight, and the latest calls with their outcomes. */
  private Html live() {
    List<Entry> window = chain.query(ChainQuery.ALL.after(chain.size() - CALL_WINDOW - 1));
    Map<String, Event> outcomes = new HashMap<>();
    for (Entry e : window) {
      Event a = e.action();
      if (a.type() == EventType.CapabilityResult || a.type() == EventType.PolicyDenied) {
        outcomes.putIfAbsent(a.parentId(), a);
      }
    }
    List<Event> calls =
        window.stream()
            .map(Entry::action)
            .filter(a -> a.type() == EventType.CapabilityCall)
            .collect(Collectors.toList())
            .reversed();
    Html h = new Html().el("p", "In flight: " + marketplace.callsInFlight(), "id", "in-flight");
    h.open("table", "id", "calls");
    Text.header(h, "time", "capability", "caller", "arguments", "outcome");
    h.open("tbody");
    for (Event c : calls.subList(0, Math.min(ROWS, calls.size()))) {
      Event o = outcomes.get(c.id());
      h.open(
          "tr", "class", o == null ? "running" : Boolean.TRUE.equals(o.success()) ? "ok" : "bad");
      h.open("td").link(actionLink(c.id()), Text.time(c.at())).close("td");
      h.el("td", c.capabilityId()).el("td", c.caller()).el("td", Text.brief(c.arguments()));
      h.el("td", o == null ? "running" : summary(o)).close("tr");
    }
    return h.close("tbody").close("table");
  }

  void plan(Exchange ex) throws IOException {
    ex.requireFull();
    String id = ex.required("id");
    List<CausalChain.Node> roots = chain.tree(id);
    if (roots.isEmpty()) {
      throw Failure.notFound("the plan '" + id + "'");
    }
    Html h = new Html().open("ul", "class", "tree", "id", "tree");
    roots.forEach(n -> node(h, n));
    ex.page("Plan " + id, h.close("ul"));
  }

  private static void node(Html h, CausalChain.Node n) {
    Event a = n.action();
    h.open("li", "class", a.type().name());
    h.link(actionLink(a.id()), a.type().name()).text(" " + summary(a));
    if (!n.children().isEmpty()) {
      h.open("ul");
      n.children().forEach(c -> node(h, c));
      h.close("ul");
    }
    h.close("li");
  }

  void action(Exchange ex) throws IOException {
    ex.requireFull();
    String id = ex.required("id");
    Entry e = chain.get(id).orElseThrow(() -> Failure.notFound("the action '" + id + "'"));
    Event a = e.action();
    Html h = new Html().open("dl", "id", "action");
    row(h, "index", Long.toString(e.index()));
    row(h, "type", a.type().name());
    row(h, "at", Text.time(a.at()));
    row(h, "caller", a.caller());
    if (a.parentId() != null) {
      h.el("dt", "parent").open("dd").link(actionLink(a.parentId()), a.parentId()).close("dd");
    }
    if (a.planId() != null) {
      h.el("dt", "plan").open("dd").link(Text.href("/console/plan", "id", a.planId()), a.planId());
      h.close("dd");
    }
    row(h, "capability", a.capabilityId());
    row(h, "version", a.capabilityVersion());
    code(h, "arguments", a.arguments() == null ? null : Text.value(a.arguments()));
    code(h, "result", a.result() == null ? null : Text.value(a.result()));
    row(h, "success", a.success() == null ? null : a.success().toString());
    row(h, "error", a.errorKind() == null ? null : a.errorKind() + ": " + a.error());
    row(h, "took", a.duration() == null ? null : a.duration().toMillis() + " ms");
    code(h, "metadata", a.metadata().isEmpty() ? null : Text.value(a.metadata()));
    row(h, "leaf hash", Hashes.hex(e.leafHash()));
    h.close("dl").el("h2", "Recorded under it").open("ul", "id", "children");
    for (Entry c : chain.children(id)) {
      h.open("li").link(actionLink(c.columns().actionId()), summary(c.action())).close("li");
    }
    ex.page(a.type().name() + " " + id, proof(h.close("ul"), chain.prove(id)));
  }

  /**
   * The inclusion proof, with everything proof.js needs to recompute the root in data- attributes,
   * and the server's own check of the checkpoint's signature.
   */
  private Html proof(Html h, InclusionProof p) {
    Base64.Encoder b64 = Base64.getEncoder();
    String path = p.path().stream().map(b64::encodeToString).collect(Collectors.joining(" "));
    h.el("h2", "Inclusion proof");
    h.open(
        "div",
        "id",
        "proof",
        "data-body",
        b64.encodeToString(p.body()),
        "data-index",
        Long.toString(p.index()),
        "data-size",
        Long.toString(p.checkpoint().size()),
        "data-root",
        b64.encodeToString(p.checkpoint().root()),
        "data-path",
        path);
    h.el(
        "p",
        "Entry "
            + p.index()
            + " of the log of "
            + p.checkpoint().size()
            + " entries with root "
            + Hashes.hex(p.checkpoint().root())
            + "; checkpoint "
            + (p.checkpoint().signedBy(key) ? "signed by this node's key" : "NOT signed by it"));
    h.open("p").text("Checked in this page: ");
    h.el("output", "needs JavaScript (or: agora chain verify-proof)", "id", "proof-result");
    h.close("p").el("pre", p.text(), "id", "proof-text");
    return h.close("div");
  }

  /** The last {@code n} entries {@code q} finds. */
  private List<Entry> tail(ChainQuery q, int n) {
    List<Entry> all = chain.query(q);
    return all.subList(Math.max(0, all.size() - n), all.size());
  }

  /** An action in a few words. */
  static String summary(Event a) {
    return switch (a.type()) {
      case PlanStarted, PlanStepStarted -> Text.value(a.metadata().get("name"));
      case CapabilityCall -> a.capabilityId() + " " + Text.brief(a.arguments());
      case CapabilityResult, PlanCompleted, PlanStepCompleted, PlanAborted, PlanStepFailed ->
          Boolean.TRUE.equals(a.success())
              ? "ok " + Text.brief(a.result())
              : a.errorKind() + ": " + Text.cut(String.valueOf(a.error()));
      case PolicyDenied -> "denied: " + Text.cut(String.valueOf(a.error()));
      default -> a.capabilityId() == null ? "" : a.capabilityId();
    };
  }

  private static String actionLink(String id) {
    return Text.href("/console/action", "id", id);
  }

  private static void row(Html h, String key, String value) {
    if (value != null) {
      h.el("dt", key).el("dd", value);
    }
  }

  private static void code(Html h, String key, String value) {
    if (value != null) {
      h.el("dt", key).open("dd").el("pre", value).close("dd");
    }
  }
}
