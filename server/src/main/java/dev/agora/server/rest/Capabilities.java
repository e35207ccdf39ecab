package dev.agora.server.rest;

import dev.agora.chain.Receipt;
import dev.agora.core.Marketplace;
import dev.agora.core.call.CallRequest;
import dev.agora.core.call.Receipted;
import dev.agora.core.call.policy.SecurityContext;
import dev.agora.core.doc.Document;
import dev.agora.core.doc.DocumentProblem;
import dev.agora.core.doc.Documents;
import dev.agora.core.doc.Documents.Format;
import dev.agora.core.json.ChainJson;
import dev.agora.core.json.Json;
import dev.agora.core.manifest.CapabilityManifest;
import dev.agora.core.manifest.Manifests;
import dev.agora.core.manifest.ProviderSpec;
import dev.agora.core.registry.Query;
import dev.agora.core.registry.Registry;
import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.server.quarantine.QuarantineDiff;
import java.util.ArrayList;
import java.util.List;

/** {@code /api/v1/capabilities}: search, show, call, register, remove, quarantine and approve. */
final class Capabilities {

  private final Marketplace marketplace;

  Capabilities(Marketplace marketplace) {
    this.marketplace = marketplace;
  }

  /** What the caller may call, in id order, highest versions; {@code q} searches their text. */
  Value list(Request r) {
    String q = r.query("q", null);
    List<Dict> visible = new ArrayList<>();
    for (CapabilityManifest m :
        marketplace.registry().search(new Query(null, null, null, q, Integer.MAX_VALUE))) {
      if (marketplace.mayCall(r.caller(), m)) {
        visible.add(manifest(m, r));
      }
    }
    return Page.of(visible, r);
  }

  /** One capability (its highest version, or {@code version}), if the caller may call it. */
  Value show(Request r) {
    return manifest(visible(r), r);
  }

  /** Calls it with the body as its input, through the one call path, as the caller. */
  Value call(Request r) {
    CapabilityManifest m = visible(r);
    CallRequest call = new CallRequest(m.id(), m.version(), r.json(), r.caller(), null, null, null);
    Dict.Builder out = Dict.builder();
    if (marketplace.receiptMode() == Receipt.Mode.OFF) {
      return out.put("result", ChainJson.jsonSafe(marketplace.call(call))).build();
    }
    Receipted done = marketplace.callWithReceipt(call);
    return out.put("result", ChainJson.jsonSafe(done.result()))
        .put("receipt", Json.parse(done.receipt().json()))
        .build();
  }

  /** Registers the manifest (or list of manifests) in the body; all or nothing on a problem. */
  Value register(Request r) {
    Document doc;
    try {
      doc = Documents.parse(r.text(), "request body", Format.JSON);
    } catch (RuntimeException e) {
      throw new Problem(
          400, "InvalidBody", "the request body is not a JSON manifest: " + e.getMessage());
    }
    Manifests.LoadResult loaded = Manifests.parse(doc);
    if (!loaded.problems().isEmpty()) {
      throw new Problem(
          400,
          "InvalidManifest",
          String.join("; ", loaded.problems().stream().map(DocumentProblem::toString).toList()));
    }
    List<Value> done = new ArrayList<>();
    for (CapabilityManifest m : loaded.manifests()) {
      tenantMayRegister(r, m);
    }
    for (CapabilityManifest m : loaded.manifests()) {
      Registry.Change change = marketplace.register(m, "api " + r.caller().identity());
      if (change == Registry.Change.REFUSED) {
        throw new Problem(
            409,
            "Refused",
            "'"
                + m.id()
                + "' "
                + m.version()
                + " is refused: "
                + marketplace.registry().refusal(m.id(), m.version()));
      }
      done.add(
          Dict.builder()
              .put("id", Value.of(m.id()))
              .put("version", Value.of(m.version()))
              .put("change", Value.of(change.name().toLowerCase(java.util.Locale.ROOT)))
              .build());
    }
    return Dict.builder().put("registered", Vec.of(done)).build();
  }

  /** Removes one version ({@code version}) or every version of a capability. */
  Value remove(Request r) {
    String id = r.path("id");
    inTenant(r, id);
    String version = r.query("version", null);
    if (!marketplace.unregister(id, version)) {
      throw new Problem(
          404,
          "NotFound",
          "no capability '" + id + "'" + (version == null ? "" : " " + version) + " to remove");
    }
    return Dict.builder().put("removed", Value.of(id)).build();
  }

  /**
   * Definitions held in quarantine (changed since pinned, or not pinned when pins are required).
   */
  Value quarantined(Request r) {
    List<Dict> out = new ArrayList<>();
    for (Registry.Refused refused : marketplace.registry().refusals().values()) {
      if (refused.refusal().quarantined() && tenantHas(r, refused.manifest())) {
        List<Value> diff =
            QuarantineDiff.of(marketplace, refused.manifest()).stream()
                .map(l -> (Value) Value.of(l.toString()))
                .toList();
        out.add(
            manifest(refused.manifest(), r)
                .assoc(Value.keyword("quarantine"), Value.of(refused.refusal().why()))
                .assoc(Value.keyword("diff"), Vec.of(diff)));
      }
    }
    return Page.of(out, r);
  }

  /** Approves the quarantined definitions of a capability: pins and registers them. */
  Value approve(Request r) {
    String id = r.path("id");
    inTenant(r, id);
    List<String> versions = marketplace.approve(id, r.caller().identity());
    if (versions.isEmpty()) {
      throw new Problem(404, "NotFound", "no definition of '" + id + "' is in quarantine");
    }
    return Dict.builder()
        .put("approved", Value.of(id))
        .put("versions", Vec.of(versions.stream().map(v -> (Value) Value.of(v)).toList()))
        .build();
  }

  /** Whether {@code m} is among the caller's tenant's capabilities (true without a tenant). */
  private static boolean tenantHas(Request r, CapabilityManifest m) {
    return r.caller().tenant() == null || r.caller().tenant().refusal(m) == null;
  }

  /**
   * Refuses a change to a capability a tenant's caller does not own (403): a tenant changes only
   * ids in its own namespace ({@code <tenant>.…}), never a capability other tenants may share.
   */
  private static void inTenant(Request r, String id) {
    SecurityContext.Tenant t = r.caller().tenant();
    if (t != null && !id.startsWith(t.name() + ".")) {
      throw new Problem(
          403,
          "Forbidden",
          "tenant '"
              + t.name()
              + "' changes only capabilities named "
              + t.name()
              + ".…, not '"
              + id
              + "'");
    }
  }

  /**
   * A tenant's caller registers only in its namespace, and only capabilities implemented in RTFS
   * (whose nested calls stay confined to the tenant): no process, plugin, upstream or Java handler
   * of the node, which would reach past the tenant.
   */
  private static void tenantMayRegister(Request r, CapabilityManifest m) {
    inTenant(r, m.id());
    if (r.caller().tenant() != null
        && !(m.provider() instanceof ProviderSpec.Local local
            && local.handler() == null
            && local.options().get(Value.keyword("implementation")) != null)) {
      throw new Problem(
          403,
          "Forbidden",
          "a tenant registers capabilities implemented in RTFS only (provider {type: local,"
              + " implementation: …}); '"
              + m.id()
              + "' has provider "
              + m.provider().type());
    }
  }

  private CapabilityManifest visible(Request r) {
    String id = r.path("id");
    String version = r.query("version", null);
    CapabilityManifest m =
        version == null
            ? marketplace.registry().get(id)
            : marketplace.registry().resolve(id, version);
    if (m == null || !marketplace.mayCall(r.caller(), m)) {
      throw new Problem(
          404,
          "NotFound",
          "no capability '"
              + id
              + "'"
              + (version == null ? "" : " " + version)
              + " that this caller may call");
    }
    return m;
  }

  /**
   * A manifest as {@code r}'s caller may see it: whole for a full context of no tenant; for anyone
   * else the provider is only its type — where and how a capability runs (upstream URLs, commands,
   * servers) is the operator's business.
   */
  private static Dict manifest(CapabilityManifest m, Request r) {
    Dict whole = Manifests.asText(m.toValue());
    SecurityContext c = r.caller();
    if (c.level() == SecurityContext.Level.FULL && c.tenant() == null) {
      return whole;
    }
    return whole.assoc(
        Value.keyword("provider"),
        Dict.builder().put("type", Value.of(m.provider().type())).build());
  }
}
