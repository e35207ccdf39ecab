package dev.agora.core.manifest;

import dev.agora.rtfs.Dict;
import java.time.Instant;

/**
 * A signature over a manifest by an authority. Carried and stored; verification comes with the
 * attestation issue (until then nothing trusts it — the reference never verified its either).
 */
public record Attestation(
    String authority, String signature, Instant createdAt, Instant expiresAt, Dict metadata) {}
