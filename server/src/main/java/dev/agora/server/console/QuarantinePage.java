package dev.agora.server.console;

import dev.agora.core.Marketplace;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.server.quarantine.QuarantineDiff;
import java.io.IOException;
import java.util.List;

/**
 * {@code /console/quarantine}: pinned definitions that changed (trust.pinning), each with how it
 * differs from its pin — the YAML {@code agora caps diff} compares, line by line — and a button
 * that approves it as {@code agora caps approve} does (a full context; recorded under its name).
 */
final class QuarantinePage {

  private final Marketplace marketplace;

  QuarantinePage(Marketplace marketplace) {
    this.marketplace = marketplace;
  }

  void list(Exchange ex) throws IOException {
    ex.requireFull();
    Html h = new Html();
    List<Registry.Refused> quarantined =
        marketplace.registry().refusals().values().stream()
            .filter(r -> r.refusal().quarantined())
            .toList();
    if (quarantined.isEmpty()) {
      h.el("p", "Nothing is quarantined.", "id", "none");
    }
    for (Registry.Refused r : quarantined) {
      CapabilityManifest now = r.manifest();
      h.open("section", "class", "quarantined").el("h2", now.id() + " " + now.version());
      h.el("p", r.refusal().why());
      diff(h, QuarantineDiff.of(marketplace, now));
      h.open("form", "method", "post", "action", "/console/quarantine");
      Layout.csrf(h, ex.session());
      h.open("input", "type", "hidden", "name", "id", "value", now.id());
      h.el("button", "Approve this definition", "type", "submit").close("form");
      h.close("section");
    }
    ex.page("Quarantine", h);
  }

  void approve(Exchange ex) {
    ex.requireFull();
    String id = ex.required("id");
    if (marketplace.approve(id, ex.caller().identity()).isEmpty()) {
      throw new Failure(409, "'" + id + "' is not quarantined");
    }
    ex.redirect("/console/quarantine");
  }

  /** The listing: removed lines in {@code del}, added ones in {@code ins}, the rest as text. */
  private static void diff(Html h, List<QuarantineDiff.Line> lines) {
    h.open("pre", "class", "diff");
    for (QuarantineDiff.Line l : lines) {
      switch (l.mark()) {
        case '-' -> h.el("del", l + "\n");
        case '+' -> h.el("ins", l + "\n");
        default -> h.text(l + "\n");
      }
    }
    h.close("pre");
  }
}
