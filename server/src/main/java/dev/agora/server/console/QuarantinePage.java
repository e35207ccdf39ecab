package dev.agora.server.console;

import com.github.difflib.DiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import dev.agora.core.Marketplace;
import dev.agora.core.doc.Documents;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.registry.Registry;
import dev.agora.core.trust.Pins;
import dev.agora.rtfs.Value;
import java.io.IOException;
import java.util.List;

/**
 * {@code /console/quarantine}: pinned definitions that changed (trust.pinning), each with how it
 * differs from its pin — the YAML {@code agora caps diff} compares, line by line — and a button
 * that approves it as {@code agora caps approve} does (a full context; recorded under its name).
 */
final class QuarantinePage {

  private static final Value ATTESTATION = Value.keyword("attestation");

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
      Pins.Pin pin = marketplace.pins().pinned(now.id(), now.version());
      h.open("section", "class", "quarantined").el("h2", now.id() + " " + now.version());
      h.el("p", r.refusal().why());
      diff(h, yaml(pin.definition()), yaml(now.toValue().dissoc(ATTESTATION)));
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

  /** The two texts as one listing: removed lines marked -, added ones +, the rest as they are. */
  private static void diff(Html h, String before, String after) {
    List<String> a = before.lines().toList();
    Patch<String> patch = DiffUtils.diff(a, after.lines().toList());
    h.open("pre", "class", "diff");
    int at = 0;
    for (AbstractDelta<String> d : patch.getDeltas()) {
      for (; at < d.getSource().getPosition(); at++) {
        h.text("  " + a.get(at) + "\n");
      }
      for (String l : d.getSource().getLines()) {
        h.el("del", "- " + l + "\n");
      }
      for (String l : d.getTarget().getLines()) {
        h.el("ins", "+ " + l + "\n");
      }
      at += d.getSource().size();
    }
    for (; at < a.size(); at++) {
      h.text("  " + a.get(at) + "\n");
    }
    h.close("pre");
  }

  private static String yaml(Value definition) {
    return Documents.write(Pins.readable(definition), Documents.Format.YAML);
  }
}
