package dev.agora.core.call.policy;

import java.time.Duration;
import java.util.List;

/**
 * Rules for every capability in a namespace (on segment boundaries: {@code ccos} covers {@code
 * ccos.math.add}, not {@code ccosx.tool}). {@code allow} null means "no extra restriction"; an
 * empty list allows nothing. Its limits apply to the namespace as a whole: at most {@code
 * maxConcurrent} calls into it at once, each at most {@code timeout}.
 */
public record NamespacePolicy(
    String namespace,
    List<Rule> allow,
    List<Rule> deny,
    Duration timeout,
    Integer maxConcurrent,
    String name) {

  public NamespacePolicy {
    allow = allow == null ? null : List.copyOf(allow);
    deny = List.copyOf(deny);
  }
}
