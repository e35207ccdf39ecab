package dev.agora.core.manifest;

import java.time.Instant;

/**
 * Where a manifest came from: its source ({@code builtin}, {@code file:path}, {@code mcp:server}
 * …), the SHA-256 of its canonical form (see {@link Manifests#contentHash}) and when it was
 * registered.
 */
public record Provenance(String source, String contentHash, Instant registeredAt) {}
