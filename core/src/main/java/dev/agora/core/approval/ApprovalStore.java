package dev.agora.core.approval;

import java.util.List;
import java.util.Optional;

/**
 * Where a node keeps its approvals, so that an operator's {@code agora approvals approve} (another
 * process) reaches the server or plan waiting for it: the node's store (SQLite, PostgreSQL) or
 * memory.
 */
public interface ApprovalStore {

  /** Adds a new approval. */
  void add(Approval a);

  /** The approval {@code id}, if there is one. */
  Optional<Approval> get(String id);

  /** The most recently requested approval whose binding has {@code bindingDigest}. */
  Optional<Approval> latest(String bindingDigest);

  /** Every approval, most recently requested first. */
  List<Approval> all();

  /**
   * Replaces approval {@code next.id()} with {@code next} only if it is still in status {@code
   * from} — atomically, so that two processes cannot both approve, or both use, one approval.
   *
   * @return whether it was replaced
   */
  boolean transition(Approval.Status from, Approval next);
}
