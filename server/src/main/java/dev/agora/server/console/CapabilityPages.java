package dev.agora.server.console;

import dev.agora.core.Marketplace;
import dev.agora.core.isolation.Classification;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.Attestation;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Query;
import dev.agora.core.trust.Passports;
import dev.agora.rtfs.Printer;
import java.io.IOException;
import java.util.List;

/**
 * {@code /console/capabilities?q=} and {@code /console/capability?id=&version=}: what the caller
 * may call ({@link Marketplace#mayCall}, as the gateways list it), searched as the registry
 * searches ({@link Query#withText}), with provenance and passport. Others' capabilities are not
 * shown, not even by id.
 */
final class CapabilityPages {

  private final Marketplace marketplace;

  CapabilityPages(Marketplace marketplace) {
    this.marketplace = marketplace;
  }

  void list(Exchange ex) throws IOException {
    String q = ex.param("q");
    List<CapabilityManifest> found =
        (q == null
                ? marketplace.registry().all()
                : marketplace.registry().search(Query.ALL.withText(q)))
            .stream().filter(m -> marketplace.mayCall(ex.caller(), m)).toList();
    Html h = new Html();
    h.open("form", "method", "get", "action", Console.HOME, "class", "search", "role", "search");
    h.open("input", "type", "search", "name", "q", "id", "q", "value", q, "placeholder", "search");
    h.el("button", "Search", "type", "submit", "id", "search").close("form");
    h.el("p", found.size() + (found.size() == 1 ? " capability" : " capabilities"), "id", "count");
    h.open("table", "id", "capabilities");
    Text.header(h, "id", "version", "provider", "effects", "source", "passport");
    h.open("tbody");
    for (CapabilityManifest m : found) {
      h.open("tr").open("td");
      h.link(link(m), m.id()).open("div", "class", "muted").text(Text.cut(m.description()));
      h.close("div").close("td");
      h.el("td", m.version()).el("td", m.provider().type()).el("td", effects(m));
      h.el("td", m.provenance() == null ? "" : m.provenance().source());
      h.el("td", passport(m)).close("tr");
    }
    ex.page("Capabilities", h.close("tbody").close("table"));
  }

  void show(Exchange ex) throws IOException {
    String id = ex.required("id");
    String version = ex.param("version");
    CapabilityManifest m =
        version == null ? marketplace.registry().get(id) : marketplace.registry().get(id, version);
    if (m == null || !marketplace.mayCall(ex.caller(), m)) {
      throw Failure.notFound("the capability '" + id + "'");
    }
    Html h = new Html().open("dl", "id", "manifest");
    row(h, "id", m.id());
    row(h, "name", m.name());
    row(h, "description", m.description());
    row(h, "version", m.version());
    row(h, "provider", Printer.print(m.provider().toValue()));
    row(h, "input", m.input() == null ? "any" : m.input().show());
    row(h, "output", m.output() == null ? "any" : m.output().show());
    row(h, "effects", effects(m));
    row(h, "permissions", m.permissions().isEmpty() ? "none" : String.join(", ", m.permissions()));
    row(h, "risk", Classification.of(m).describe());
    row(h, "approval", m.approvalRequired() ? "required for every call" : "not required");
    if (m.provenance() != null) {
      row(h, "source", m.provenance().source());
      row(h, "definition", "sha256:" + m.provenance().contentHash());
      row(h, "registered", Text.time(m.provenance().registeredAt()));
      m.provenance()
          .origin()
          .asMap()
          .forEach((k, v) -> row(h, "origin " + Json.keyName(k), Text.value(v)));
    }
    row(h, "passport", passport(m));
    if (m.attestation() != null) {
      row(h, "passport id", Passports.id(m.attestation()));
    }
    h.close("dl").el("h2", "Versions").open("ul");
    for (CapabilityManifest v : marketplace.registry().versions(id)) {
      h.open("li").link(link(v), v.version()).close("li");
    }
    h.close("ul").open("p").link(Text.href("/console/chain", "capability", id), "Its calls");
    ex.page(m.id(), h.close("p"));
  }

  private static String link(CapabilityManifest m) {
    return Text.href("/console/capability", "id", m.id(), "version", m.version());
  }

  private static String effects(CapabilityManifest m) {
    return m.isPure() ? "pure" : String.join(", ", m.effects());
  }

  /** The passport as {@code agora caps show} describes it. */
  private String passport(CapabilityManifest m) {
    Attestation a = m.attestation();
    if (a == null) {
      return "none";
    }
    return "by "
        + a.authority()
        + (marketplace.trust().configured() ? ", verified" : ", not checked (no trust: section)")
        + (a.expiresAt() == null ? "" : ", expires " + Text.time(a.expiresAt()));
  }

  private static void row(Html h, String key, String value) {
    h.el("dt", key).el("dd", value);
  }
}
