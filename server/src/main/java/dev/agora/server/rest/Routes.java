package dev.agora.server.rest;

import static dev.agora.server.rest.Route.Param.number;
import static dev.agora.server.rest.Route.Param.path;
import static dev.agora.server.rest.Route.Param.query;

import dev.agora.core.AgoraNode;
import dev.agora.server.rest.Route.Body;
import dev.agora.server.rest.Route.Param;
import java.util.ArrayList;
import java.util.List;

/** The REST API's operations: one list, served and documented alike. */
final class Routes {

  private static final Param ID = path("id", "the capability's id");
  private static final Param ACTION = path("id", "the action's id");
  private static final Param VERSION =
      query("version", "a version or range (default: the highest)");
  private static final Param LIMIT = number("limit", "items per page, 1–1000 (default 100)");
  private static final Param CURSOR =
      query("cursor", "where the page starts: the previous page's next");

  private Routes() {}

  static List<Route> of(AgoraNode node) {
    Capabilities caps = new Capabilities(node.marketplace());
    Chain chain = new Chain(node);
    Operations ops = new Operations(node);
    List<Route> r = new ArrayList<>();
    String v1 = "/api/v1";
    r.add(
        get(
            v1 + "/capabilities",
            "listCapabilities",
            "List the capabilities this caller may call",
            "capabilities",
            List.of(query("q", "words to search for"), LIMIT, CURSOR),
            caps::list));
    r.add(
        new Route(
            "POST",
            v1 + "/capabilities",
            "registerCapabilities",
            "Register capabilities",
            "capabilities",
            List.of(),
            Body.JSON,
            true,
            caps::register));
    r.add(
        get(
            v1 + "/capabilities/{id}",
            "getCapability",
            "Show a capability",
            "capabilities",
            List.of(ID, VERSION),
            caps::show));
    r.add(
        new Route(
            "DELETE",
            v1 + "/capabilities/{id}",
            "removeCapability",
            "Remove a capability",
            "capabilities",
            List.of(ID, query("version", "one version (default: all)")),
            Body.NONE,
            true,
            caps::remove));
    r.add(
        new Route(
            "POST",
            v1 + "/capabilities/{id}/call",
            "callCapability",
            "Call a capability with the body as its input",
            "capabilities",
            List.of(ID, VERSION),
            Body.JSON,
            false,
            caps::call));
    r.add(
        new Route(
            "POST",
            v1 + "/capabilities/{id}/approve",
            "approveCapability",
            "Approve a capability's quarantined definitions",
            "capabilities",
            List.of(ID),
            Body.NONE,
            true,
            caps::approve));
    r.add(
        new Route(
            "GET",
            v1 + "/quarantine",
            "listQuarantined",
            "List quarantined definitions",
            "capabilities",
            List.of(LIMIT, CURSOR),
            Body.NONE,
            true,
            caps::quarantined));
    r.add(
        new Route(
            "POST",
            v1 + "/plans",
            "runPlan",
            "Run an RTFS plan",
            "plans",
            List.of(),
            Body.RTFS,
            false,
            ops::plan));
    r.add(
        get(
            v1 + "/plans/{id}/tree",
            "getPlanTree",
            "Show a plan's tree of actions",
            "chain",
            List.of(path("id", "the plan's id")),
            chain::tree));
    r.add(
        get(
            v1 + "/chain",
            "queryChain",
            "Query the Causal Chain",
            "chain",
            List.of(
                query("type", "an action type, e.g. CapabilityCall"),
                query("capability", "a capability id"),
                query("caller", "a caller (full contexts only)"),
                query("plan", "a plan id"),
                query("since", "an ISO instant"),
                query("until", "an ISO instant"),
                LIMIT,
                CURSOR),
            chain::query));
    r.add(
        get(
            v1 + "/chain/verify",
            "verifyChain",
            "Verify the Causal Chain",
            "chain",
            List.of(),
            chain::verify));
    r.add(
        Route.download(
            v1 + "/chain/export",
            "exportChain",
            "Export the whole Causal Chain with a signed checkpoint, as JSON Lines (check it"
                + " offline with agora chain verify-export)",
            "chain",
            true,
            chain::export));
    r.add(
        get(
            v1 + "/chain/{id}",
            "getAction",
            "Show an action and the actions under it",
            "chain",
            List.of(ACTION),
            chain::action));
    r.add(
        get(
            v1 + "/chain/{id}/proof",
            "proveAction",
            "Prove an action is in the log",
            "chain",
            List.of(ACTION),
            chain::proof));
    r.add(
        get(
            v1 + "/chain/{id}/receipt",
            "getReceipt",
            "The receipt of a call recorded with receipts on, completed by its inclusion proof",
            "chain",
            List.of(path("id", "the call's action id, or its outcome's")),
            chain::receipt));
    r.add(
        new Route(
            "GET",
            v1 + "/approvals",
            "listApprovals",
            "List approvals",
            "approvals",
            List.of(query("status", "pending, approved, denied or used"), LIMIT, CURSOR),
            Body.NONE,
            true,
            ops::approvals));
    r.add(
        new Route(
            "POST",
            v1 + "/approvals/{id}/approve",
            "approve",
            "Approve a pending call",
            "approvals",
            List.of(path("id", "the approval's id")),
            Body.NONE,
            true,
            ops::approve));
    r.add(
        new Route(
            "POST",
            v1 + "/approvals/{id}/deny",
            "deny",
            "Deny a pending call",
            "approvals",
            List.of(path("id", "the approval's id")),
            Body.JSON,
            true,
            ops::deny));
    r.add(
        get(
            v1 + "/sources",
            "listSources",
            "List the sources and their health",
            "node",
            List.of(LIMIT, CURSOR),
            ops::sources));
    r.add(
        get(
            v1 + "/quotas",
            "listQuotas",
            "Show what the caller has used of the quotas that count its calls",
            "node",
            List.of(),
            ops::quotas));
    r.add(get(v1 + "/stats", "getStats", "Show the node's figures", "node", List.of(), ops::stats));
    return List.copyOf(r);
  }

  private static Route get(
      String path, String id, String summary, String tag, List<Param> params, Route.Operation run) {
    return new Route("GET", path, id, summary, tag, params, Body.NONE, false, run);
  }
}
