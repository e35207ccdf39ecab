package dev.agora.server.console;

import dev.agora.core.approval.Approval;
import dev.agora.core.approval.ApprovalException;
import dev.agora.core.approval.Approvals;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * {@code /console/approvals}: the calls waiting for a human, and the latest decisions; approve and
 * deny as {@code agora approvals approve|deny} do — a full context decides, recorded under its
 * name. With htmx a decision replaces its row; without, the form posts and the page comes back.
 */
final class ApprovalPages {

  /** Decided, used or expired approvals shown below the pending ones, at most. */
  private static final int DECIDED = 50;

  private final Approvals approvals;

  ApprovalPages(Approvals approvals) {
    this.approvals = approvals;
  }

  void list(Exchange ex) throws IOException {
    ex.requireFull();
    List<Approval> all = approvals.list();
    List<Approval> pending =
        all.stream().filter(a -> a.status() == Approval.Status.PENDING).toList();
    List<Approval> decided =
        all.stream().filter(a -> a.status() != Approval.Status.PENDING).limit(DECIDED).toList();
    Html h = new Html();
    h.el("h2", "Pending (" + pending.size() + ")");
    table(h, pending, ex.session(), "pending");
    h.el("h2", "Decided");
    table(h, decided, ex.session(), "decided");
    ex.page("Approvals", h);
  }

  void decide(Exchange ex) throws IOException {
    ex.requireFull();
    String id = ex.required("id");
    String by = ex.caller().identity();
    Approval a;
    try {
      a =
          switch (ex.required("decision")) {
            case "approve" -> approvals.approve(id, by);
            case "deny" -> approvals.deny(id, by, ex.required("reason"));
            default -> throw new Failure(400, "a decision is 'approve' or 'deny'");
          };
    } catch (ApprovalException e) {
      throw new Failure(409, e.getMessage());
    }
    if (ex.htmx()) {
      ex.fragment(row(new Html(), a, ex.session()));
    } else {
      ex.redirect("/console/approvals");
    }
  }

  private static void table(Html h, List<Approval> shown, Sessions.Session s, String id) {
    h.open("table", "id", id);
    Text.header(h, "id", "status", "capability", "caller", "expires", "why", "arguments", "");
    h.open("tbody");
    for (Approval a : shown) {
      row(h, a, s);
    }
    h.close("tbody").close("table");
  }

  private static Html row(Html h, Approval a, Sessions.Session s) {
    String status = a.status().name().toLowerCase(Locale.ROOT);
    h.open("tr", "id", "approval-" + a.id(), "class", status);
    h.el("td", a.id()).el("td", status + (a.decidedBy() == null ? "" : " by " + a.decidedBy()));
    h.el("td", a.binding().capabilityId()).el("td", a.binding().caller());
    h.el("td", Text.time(a.expiresAt())).el("td", a.why());
    h.open("td").el("code", Text.cut(a.arguments())).close("td").open("td");
    if (a.status() == Approval.Status.PENDING) {
      form(h, a, s, "approve").el("button", "Approve", "type", "submit", "class", "approve");
      h.close("form");
      form(h, a, s, "deny");
      h.open("input", "type", "text", "name", "reason", "placeholder", "reason", "required", "");
      h.el("button", "Deny", "type", "submit", "class", "deny").close("form");
    } else if (a.note() != null) {
      h.text(a.note());
    }
    return h.close("td").close("tr");
  }

  /** Opens a decision's form: htmx swaps the row for the answer, a plain browser posts. */
  private static Html form(Html h, Approval a, Sessions.Session s, String decision) {
    h.open(
        "form",
        "method",
        "post",
        "action",
        "/console/approvals",
        "hx-post",
        "/console/approvals",
        "hx-target",
        "#approval-" + a.id(),
        "hx-swap",
        "outerHTML");
    Layout.csrf(h, s);
    h.open("input", "type", "hidden", "name", "id", "value", a.id());
    return h.open("input", "type", "hidden", "name", "decision", "value", decision);
  }
}
