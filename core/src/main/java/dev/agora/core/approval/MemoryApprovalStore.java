package dev.agora.core.approval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Approvals kept in memory: for the in-memory store and a marketplace without a store. */
public final class MemoryApprovalStore implements ApprovalStore {

  private final Map<String, Approval> byId = new ConcurrentHashMap<>();

  @Override
  public void add(Approval a) {
    byId.put(a.id(), a);
  }

  @Override
  public Optional<Approval> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public Optional<Approval> latest(String bindingDigest) {
    return byId.values().stream()
        .filter(a -> a.binding().digest().equals(bindingDigest))
        .max(Comparator.comparing(Approval::requestedAt).thenComparing(Approval::id));
  }

  @Override
  public List<Approval> all() {
    List<Approval> out = new ArrayList<>(byId.values());
    out.sort(Comparator.comparing(Approval::requestedAt).thenComparing(Approval::id).reversed());
    return out;
  }

  @Override
  public boolean transition(Approval.Status from, Approval next) {
    Approval current = byId.get(next.id());
    return current != null && current.status() == from && byId.replace(next.id(), current, next);
  }
}
