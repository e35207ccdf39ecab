package dev.agora.core.call.policy;

import dev.agora.core.manifest.Glob;
import java.time.Duration;

/**
 * Limits for the capabilities matching a pattern: each call at most {@code timeout}, and at most
 * {@code maxConcurrent} calls to each such capability at once (null: no limit of that kind).
 */
public record LimitRule(Glob pattern, Duration timeout, Integer maxConcurrent, String name) {}
