package dev.agora.core.manifest;

import dev.agora.rtfs.Dict;
import dev.agora.rtfs.Value;
import dev.agora.rtfs.Vec;
import dev.agora.rtfs.types.TypeParser;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A capability: what it is, how it is called, what it may do. Immutable; build one with {@link
 * #builder(String)} or read one from a file with {@link Manifests}.
 *
 * @param id dotted, namespaced id ({@code ccos.math.add}); versioned forms such as {@code
 *     com.acme.db:v1.0:sales-query} are allowed (see {@link Ids})
 * @param version a semantic version; a registry holds several versions of one id
 * @param input the input schema, or null (anything)
 * @param output the output schema, or null (anything)
 * @param effects what a call may do besides computing ({@code network}, {@code filesystem} …),
 *     sorted, no duplicates; empty means pure
 * @param permissions what a caller must hold to call it, sorted, no duplicates
 * @param timeout the longest a call may take, as the provider declares it, or null
 * @param provenance where it came from; set by the registry when it is registered
 * @param attestation a signature by an authority, or null
 * @param approvalRequired whether every call needs a human's approval ({@code approval: required}),
 *     bound to that call (see {@code dev.agora.core.approval})
 */
public record CapabilityManifest(
    String id,
    String name,
    String description,
    String version,
    ProviderSpec provider,
    Schema input,
    Schema output,
    List<String> effects,
    List<String> permissions,
    Dict metadata,
    Duration timeout,
    Sla sla,
    Provenance provenance,
    Attestation attestation,
    boolean approvalRequired) {

  /**
   * The effect of a capability that does nothing but compute. Not stored: pure means no effects.
   */
  public static final String PURE = "pure";

  public CapabilityManifest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(provider, "provider");
    name = name == null ? id : name;
    description = description == null ? "" : description;
    version = version == null ? "1.0.0" : version;
    effects = sortedNames(effects);
    permissions = sortedNames(permissions);
    metadata = metadata == null ? Dict.EMPTY : metadata;
    sla = sla == null ? Sla.NONE : sla;
  }

  /** A manifest whose calls need no approval. */
  public CapabilityManifest(
      String id,
      String name,
      String description,
      String version,
      ProviderSpec provider,
      Schema input,
      Schema output,
      List<String> effects,
      List<String> permissions,
      Dict metadata,
      Duration timeout,
      Sla sla,
      Provenance provenance,
      Attestation attestation) {
    this(
        id,
        name,
        description,
        version,
        provider,
        input,
        output,
        effects,
        permissions,
        metadata,
        timeout,
        sla,
        provenance,
        attestation,
        false);
  }

  /**
   * Sorted, deduplicated, interned (effect names repeat across thousands of manifests), immutable.
   */
  private static List<String> sortedNames(Collection<String> names) {
    if (names == null || names.isEmpty()) {
      return List.of();
    }
    return new TreeSet<>(names).stream().map(String::intern).toList();
  }

  /** True when the capability has no effects. */
  public boolean isPure() {
    return effects.isEmpty();
  }

  /**
   * True if calling twice has the effect of calling once, so a failed call may be retried: pure
   * capabilities, and those whose provider section says {@code idempotent: true} (an MCP tool's
   * {@code idempotentHint} does).
   */
  public boolean idempotent() {
    return isPure() || provider.options().get("idempotent") instanceof Value.Bool b && b.value();
  }

  /** The namespace of the id (see {@link Ids#namespace}). */
  public String namespace() {
    return Ids.namespace(id);
  }

  /** This manifest with its provenance set. */
  public CapabilityManifest withProvenance(Provenance p) {
    return new CapabilityManifest(
        id,
        name,
        description,
        version,
        provider,
        input,
        output,
        effects,
        permissions,
        metadata,
        timeout,
        sla,
        p,
        attestation,
        approvalRequired);
  }

  /** This manifest with {@code a} as its passport (null: none). */
  public CapabilityManifest withAttestation(Attestation a) {
    return new CapabilityManifest(
        id,
        name,
        description,
        version,
        provider,
        input,
        output,
        effects,
        permissions,
        metadata,
        timeout,
        sla,
        provenance,
        a,
        approvalRequired);
  }

  /**
   * The manifest as data (without provenance): what export writes, what the node's store keeps for
   * capabilities added at run time, and what the content hash covers. Reading it back with {@link
   * Manifests} gives the same manifest.
   */
  public Dict toValue() {
    Dict.Builder b =
        Dict.builder()
            .put("id", Value.of(id))
            .put("name", Value.of(name))
            .put("description", Value.of(description))
            .put("version", Value.of(version))
            .put("provider", provider.toValue())
            .put("effects", Vec.of(effects.stream().map(e -> (Value) Value.keyword(e)).toList()))
            .put(
                "permissions", Vec.of(permissions.stream().map(p -> (Value) Value.of(p)).toList()));
    if (input != null) {
      b.put("input_schema", schemaValue(input));
    }
    if (output != null) {
      b.put("output_schema", schemaValue(output));
    }
    if (!metadata.isEmpty()) {
      b.put("metadata", metadata);
    }
    if (timeout != null) {
      b.put("timeout", Value.of(timeout.toMillis() + "ms"));
    }
    if (!sla.equals(Sla.NONE)) {
      Dict.Builder s =
          Dict.builder()
              .put("cost_per_call", Value.of(sla.costPerCall()))
              .put("confidence", Value.of(sla.confidence()));
      if (sla.expectedLatency() != null) {
        s.put("expected_latency", Value.of(sla.expectedLatency().toMillis() + "ms"));
      }
      b.put("sla", s.build());
    }
    if (approvalRequired) { // absent when not: the content hash of older manifests is unchanged
      b.put("approval", Value.of("required"));
    }
    if (attestation != null) {
      b.put("attestation", attestationValue(attestation));
    }
    return b.build();
  }

  /**
   * A JSON Schema the manifest came with is kept as written (reading it back gives the same type).
   */
  private static Value schemaValue(Schema s) {
    Value original = s.originalJsonSchema();
    return original != null && JsonSchemas.looksLikeJsonSchema(original)
        ? original
        : s.type().toValue();
  }

  private static Dict attestationValue(Attestation a) {
    Dict.Builder b =
        Dict.builder()
            .put("authority", Value.of(a.authority()))
            .put("signature", Value.of(a.signature()));
    if (a.createdAt() != null) {
      b.put("created_at", Value.of(a.createdAt().toString()));
    }
    if (a.expiresAt() != null) {
      b.put("expires_at", Value.of(a.expiresAt().toString()));
    }
    if (a.metadata() != null && !a.metadata().isEmpty()) {
      b.put("metadata", a.metadata());
    }
    return b.build();
  }

  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** Builds a manifest field by field; schemas are RTFS text ({@code "[:map [:a :int]]"}). */
  public static final class Builder {
    private final String id;
    private String name;
    private String description;
    private String version;
    private ProviderSpec provider = new ProviderSpec.Local(null, Dict.EMPTY);
    private Schema input;
    private Schema output;
    private final Set<String> effects = new TreeSet<>();
    private final Set<String> permissions = new TreeSet<>();
    private Dict metadata = Dict.EMPTY;
    private Duration timeout;
    private boolean approvalRequired;
    private Sla sla;

    private Builder(String id) {
      this.id = id;
    }

    public Builder name(String n) {
      this.name = n;
      return this;
    }

    public Builder description(String d) {
      this.description = d;
      return this;
    }

    public Builder version(String v) {
      this.version = v;
      return this;
    }

    public Builder provider(ProviderSpec p) {
      this.provider = p;
      return this;
    }

    public Builder input(String typeExpr) {
      this.input = Schema.of(TypeParser.parse(typeExpr));
      return this;
    }

    public Builder input(Schema s) {
      this.input = s;
      return this;
    }

    public Builder output(String typeExpr) {
      this.output = Schema.of(TypeParser.parse(typeExpr));
      return this;
    }

    public Builder output(Schema s) {
      this.output = s;
      return this;
    }

    /** Adds effects; {@code "pure"} adds none. */
    public Builder effects(String... e) {
      for (String x : e) {
        String n = Ids.effect(x);
        if (!n.equals(PURE)) {
          effects.add(n);
        }
      }
      return this;
    }

    public Builder permissions(String... p) {
      permissions.addAll(List.of(p));
      return this;
    }

    public Builder metadata(Dict m) {
      this.metadata = m;
      return this;
    }

    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    public Builder sla(Sla s) {
      this.sla = s;
      return this;
    }

    /** Every call needs a human's approval ({@code approval: required}). */
    public Builder approvalRequired(boolean required) {
      this.approvalRequired = required;
      return this;
    }

    public CapabilityManifest build() {
      Ids.check(id);
      Manifests.checkVersion(version == null ? "1.0.0" : version);
      return new CapabilityManifest(
          id,
          name,
          description,
          version,
          provider,
          input,
          output,
          List.copyOf(effects),
          List.copyOf(permissions),
          metadata,
          timeout,
          sla,
          null,
          null,
          approvalRequired);
    }
  }
}
