package dev.agora.core.manifest;

import dev.agora.rtfs.Dict;
import java.time.Instant;

/**
 * Where a manifest came from.
 *
 * @param source the registry source that registered it ({@code builtin}, a discovery source's name,
 *     {@code runtime:…})
 * @param contentHash the SHA-256 of its canonical form (see {@link Manifests#contentHash}): the
 *     digest of its definition, which every recorded call names
 * @param registeredAt when it was registered
 * @param origin what the source knows of where the definition was read: a file and its SHA-256, an
 *     MCP server's command or URL and its name and version, an OpenAPI document and its digest;
 *     empty when nothing more is known
 */
public record Provenance(String source, String contentHash, Instant registeredAt, Dict origin) {

  public Provenance {
    origin = origin == null ? Dict.EMPTY : origin;
  }

  public Provenance(String source, String contentHash, Instant registeredAt) {
    this(source, contentHash, registeredAt, Dict.EMPTY);
  }

  /** A provenance carrying only an origin: what a discovery source attaches before registering. */
  public static Provenance origin(Dict origin) {
    return new Provenance(null, null, null, origin);
  }
}
