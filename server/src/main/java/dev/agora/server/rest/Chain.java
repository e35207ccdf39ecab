package dev.agora.server.rest;

import dev.agora.chain.CausalChain;
import dev.agora.chain.ChainExport;
import dev.agora.chain.ChainQuery;
import dev.agora.chain.Entry;
import dev.agora.chain.Hashes;
import dev.agora.chain.InclusionProof;
import dev.agora.chain.Verifier;
import dev.agora.chain.event.EventType;
import dev.agora.core.AgoraNode;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.json.ChainJson;
import dev.agora.core.json.Json;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /api/v1/chain} and {@code /api/v1/plans/{id}/tree}: the Causal Chain, queried, as trees,
 * verified, with inclusion proofs. A caller of a {@code full} context sees every action (of its
 * tenant's callers, when it is in a tenant); any other caller only its own.
 */
final class Chain {

  private final AgoraNode node;
  private final CausalChain chain;

  Chain(AgoraNode node) {
    this.node = node;
    this.chain = node.chain();
  }

  /** Actions matching the filters, oldest first, a page at a time. */
  Value query(Request r) {
    String type = r.query("type", null);
    if (type != null && Arrays.stream(EventType.values()).noneMatch(t -> t.name().equals(type))) {
      throw new Problem(
          400, "InvalidParameter", "no action type '" + type + "' (query parameter 'type')");
    }
    SecurityContext who = r.caller();
    String caller = own(who) ? r.query("caller", null) : who.identity();
    ChainQuery q =
        ChainQuery.ALL
            .withPlan(r.query("plan", null))
            .withCapability(r.query("capability", null))
            .withCaller(caller)
            .withType(type)
            .withTime(instant(r, "since"), instant(r, "until"));
    if (who.tenant() != null && own(who)) {
      q = q.withCallerPrefix(who.tenant().name() + ":"); // a tenant's full caller: its tenant's
    }
    q = q.withLimit(Page.from(r) + Page.size(r) + 1);
    return Page.of(ChainJson.entries(chain.query(q)).items(), r);
  }

  /** One action, with the actions under it. */
  Value action(Request r) {
    Entry e = visible(r);
    return ChainJson.entry(e)
        .assoc(Value.keyword("children"), ChainJson.entries(chain.children(e.action().id())));
  }

  /** A plan's tree: the plan, its steps, their calls and results. */
  Value tree(Request r) {
    String plan = r.path("id");
    List<CausalChain.Node> nodes = chain.tree(plan);
    if (nodes.isEmpty() || !nodes.stream().allMatch(n -> mayRead(r.caller(), n.entry()))) {
      throw new Problem(404, "NotFound", "no plan '" + plan + "' in the chain for this caller");
    }
    return Dict.builder().put("plan", Value.of(plan)).put("tree", ChainJson.forest(nodes)).build();
  }

  /** An inclusion proof of an action against a checkpoint the node signs now. */
  Value proof(Request r) {
    Entry e = visible(r);
    InclusionProof p = chain.prove(e.action().id());
    return Dict.builder()
        .put("action", Value.of(e.action().id()))
        .put("index", Value.of(p.index()))
        .put("size", Value.of(p.checkpoint().size()))
        .put("root", Value.of(Hashes.hex(p.checkpoint().root())))
        .put("verified", Value.of(p.verify(chain.ledger().key().verifier())))
        .put("proof", Value.of(p.text()))
        .build();
  }

  /**
   * The receipt of a call (issue 14), made again from the log and completed by the entry's
   * inclusion proof: what {@code agora verify receipt} checks.
   */
  Value receipt(Request r) {
    Entry e = visible(r);
    return node.receipt(e.action().id())
        .map(x -> Json.parse(x.json()))
        .orElseThrow(
            () ->
                new Problem(
                    404,
                    "NotFound",
                    "action '"
                        + e.action().id()
                        + "' has no receipt: only a call recorded with receipts on has one (a"
                        + " call made through /call or MCP while receipts.mode is not off)"));
  }

  /**
   * The whole log up to a signed checkpoint, as {@code agora chain export} writes it. The whole log
   * or nothing — an export of part of it could not be verified — so a tenant's callers may not.
   */
  Route.Lines export(Request r) {
    if (r.caller().tenant() != null) {
      throw new Problem(
          403,
          "Forbidden",
          "the export is the whole log, every tenant's; '"
              + r.caller().identity()
              + "' is in tenant '"
              + r.caller().tenant().name()
              + "' (query /api/v1/chain for its own actions)");
    }
    return w -> ChainExport.write(chain, w);
  }

  /** The whole log verified: every hash, every signed checkpoint. */
  Value verify(Request r) {
    Verifier.Report report = chain.verify();
    Dict.Builder b =
        Dict.builder()
            .put("ok", Value.of(report.ok()))
            .put("size", Value.of(report.size()))
            .put("checkpoints", Value.of(report.checkpoints()))
            .put("unsigned", Value.of(report.unsigned()));
    if (report.ok()) {
      b.put("root", Value.of(Hashes.hex(report.root())));
    } else {
      b.put("first_bad", Value.of(report.firstBad())).put("reason", Value.of(report.reason()));
    }
    return b.build();
  }

  private Entry visible(Request r) {
    String id = r.path("id");
    return chain
        .get(id)
        .filter(e -> mayRead(r.caller(), e))
        .orElseThrow(
            () ->
                new Problem(
                    404, "NotFound", "no action '" + id + "' in the chain for this caller"));
  }

  /**
   * Whether {@code caller} may read {@code e}: its own actions; for a full context every action —
   * of its tenant's callers only, when it is in one.
   */
  static boolean mayRead(SecurityContext caller, Entry e) {
    return mayRead(caller, e.action().caller());
  }

  /**
   * Whether {@code caller} may read what {@code actor} did (see {@link #mayRead(SecurityContext,
   * Entry)}).
   */
  static boolean mayRead(SecurityContext caller, String actor) {
    if (caller.identity().equals(actor)) {
      return true;
    }
    if (!own(caller)) {
      return false;
    }
    return caller.tenant() == null
        || (actor != null && actor.startsWith(caller.tenant().name() + ":"));
  }

  /** Whether the caller may read every action (a full context). */
  private static boolean own(SecurityContext caller) {
    return caller.level() == SecurityContext.Level.FULL;
  }

  private static Instant instant(Request r, String name) {
    String v = r.query(name, null);
    try {
      return v == null ? null : Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new Problem(
          400,
          "InvalidParameter",
          "query parameter '"
              + name
              + "' must be an ISO instant such as 2026-12-05T10:00:00Z, not '"
              + v
              + "'");
    }
  }
}
