package dev.agora.server.rest;

import dev.agora.core.AgoraNode;
import dev.agora.core.PlanRunner;
import dev.agora.core.approval.Approval;
import dev.agora.core.approval.ApprovalException;
import dev.agora.core.call.policy.Quotas;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.config.RtfsSection;
import dev.agora.core.json.ChainJson;
import dev.agora.core.spi.DiscoverySource;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plans, approvals, sources and figures: {@code /api/v1/plans}, {@code …/approvals} and so on. */
final class Operations {

  private final AgoraNode node;

  Operations(AgoraNode node) {
    this.node = node;
  }

  /**
   * Runs the RTFS plan in the body (text, or JSON {@code {"source": …}}) as the caller: every call
   * governed and recorded.
   */
  Value plan(Request r) {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PlanRunner.Outcome o;
    try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      o =
          node.marketplace()
              .runPlan(
                  r.source(), "api", r.caller(), RtfsSection.of(node.marketplace().config()), out);
    }
    String output = printed.toString(StandardCharsets.UTF_8);
    if (!o.ok()) {
      throw new Problem(
          422,
          "PlanFailed",
          o.error().getMessage(),
          Dict.builder()
              .put("plan", o.planId() == null ? Value.NIL : Value.of(o.planId()))
              .put("output", Value.of(output))
              .build());
    }
    return Dict.builder()
        .put("plan", Value.of(o.planId()))
        .put("value", ChainJson.jsonSafe(o.value()))
        .put("output", Value.of(output))
        .put("took_ms", Value.of(o.took().toNanos() / 1e6))
        .build();
  }

  /**
   * Approvals, most recent first; {@code status} narrows them (pending, approved, denied, used).
   */
  Value approvals(Request r) {
    String status = r.query("status", null);
    List<Dict> out = new ArrayList<>();
    for (Approval a : node.marketplace().approvals().list()) {
      if ((status == null || a.status().name().equalsIgnoreCase(status))
          && Chain.mayRead(r.caller(), a.binding().caller())) {
        out.add(approval(a));
      }
    }
    return Page.of(out, r);
  }

  Value approve(Request r) {
    return decide(r, true);
  }

  Value deny(Request r) {
    return decide(r, false);
  }

  private Value decide(Request r, boolean yes) {
    String id = r.path("id");
    String by = r.caller().identity();
    boolean theirs =
        node.marketplace().approvals().list().stream()
            .anyMatch(a -> a.id().equals(id) && Chain.mayRead(r.caller(), a.binding().caller()));
    if (!theirs) { // another tenant's approval is answered like one that does not exist
      throw new Problem(404, "NotFound", "no approval '" + id + "' for this caller");
    }
    try {
      Approval a =
          yes
              ? node.marketplace().approvals().approve(id, by)
              : node.marketplace().approvals().deny(id, by, reason(r));
      return approval(a);
    } catch (ApprovalException e) {
      int status = e.reason() == ApprovalException.Reason.UNKNOWN ? 404 : 409;
      throw new Problem(status, status == 404 ? "NotFound" : "Conflict", e.getMessage());
    }
  }

  private static String reason(Request r) {
    return r.json() instanceof Dict d && d.get("reason") instanceof Value.Str s
        ? s.value()
        : "denied through the REST API";
  }

  private static Dict approval(Approval a) {
    Dict.Builder b =
        Dict.builder()
            .put("id", Value.of(a.id()))
            .put("status", Value.of(a.status().name().toLowerCase(java.util.Locale.ROOT)))
            .put("capability", Value.of(a.binding().capabilityId()))
            .put("caller", Value.of(a.binding().caller()))
            .put("why", Value.of(a.why()))
            .put("arguments", Value.of(a.arguments()))
            .put("requested", Value.of(a.requestedAt().toString()))
            .put("expires", Value.of(a.expiresAt().toString()));
    if (a.decidedBy() != null) {
      b.put("decided_by", Value.of(a.decidedBy()));
    }
    if (a.note() != null) {
      b.put("note", Value.of(a.note()));
    }
    return b.build();
  }

  /** The configured sources and their health. */
  Value sources(Request r) {
    List<Dict> out = new ArrayList<>();
    SecurityContext.Tenant tenant = r.caller().tenant();
    for (DiscoverySource s : node.config().sources()) {
      if (tenant != null && !tenant.sources().contains(s.name())) {
        continue; // a tenant's caller sees its own sources only
      }
      DiscoverySource.Health h = s.health();
      out.add(
          Dict.builder()
              .put("name", Value.of(s.name()))
              .put("up", Value.of(h.up()))
              .put("detail", Value.of(h.detail()))
              .build());
    }
    return Page.of(out, r);
  }

  /**
   * What the caller has used, in the current windows, of each quota ({@code policy.quotas}) that
   * counts its calls.
   */
  Value quotas(Request r) {
    List<Value> out = new ArrayList<>();
    for (Quotas.Usage u : node.marketplace().quotaUsage(r.caller())) {
      Dict.Builder b =
          Dict.builder()
              .put("name", Value.of(u.rule().name()))
              .put("per", Value.of(u.rule().per().name().toLowerCase(Locale.ROOT)))
              .put("scope", Value.of(u.scope()))
              .put("window", Value.of(u.rule().window().toString()))
              .put("calls", Value.of(u.calls()))
              .put("cost", Value.of(u.cost()))
              .put("renews", Value.of(u.renews().toString()));
      if (u.rule().calls() != null) {
        b.put("max_calls", Value.of(u.rule().calls()));
      }
      if (u.rule().cost() != null) {
        b.put("max_cost", Value.of(u.rule().cost()));
      }
      out.add(b.build());
    }
    return Dict.builder().put("items", Vec.of(out)).build();
  }

  /** The node at a glance. */
  Value stats(Request r) {
    return Dict.builder()
        .put("capabilities", Value.of(node.marketplace().registry().size()))
        .put("calls_in_flight", Value.of(node.marketplace().callsInFlight()))
        .put("chain_size", Value.of(node.chain().size()))
        .put("quarantined", Value.of(node.marketplace().registry().refusals().size()))
        .build();
  }
}
