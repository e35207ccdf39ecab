package dev.agora.store;

import dev.agora.core.approval.Approval;
import dev.agora.core.approval.ApprovalStore;
import dev.agora.core.approval.Binding;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Approvals in the {@code approvals} table (migration V3): every process on the database sees the
 * same ones, and a status change is a conditional {@code UPDATE}, so one approval is approved, and
 * used, at most once whoever races for it. Times are kept to the millisecond.
 */
final class JdbcApprovals implements ApprovalStore {

  private static final String COLUMNS =
      "id, capability_id, definition_digest, arguments_digest, caller, why, arguments,"
          + " requested_at, expires_at, status, decided_by, note";

  private final JdbcStore db;

  JdbcApprovals(JdbcStore db) {
    this.db = db;
  }

  @Override
  public void add(Approval a) {
    Binding b = a.binding();
    db.update(
        "store approval " + a.id(),
        "INSERT INTO approvals (binding, "
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        b.digest(),
        a.id(),
        b.capabilityId(),
        b.definitionDigest(),
        b.argumentsDigest(),
        b.caller(),
        a.why(),
        a.arguments(),
        a.requestedAt().toEpochMilli(),
        a.expiresAt().toEpochMilli(),
        a.status().name(),
        a.decidedBy(),
        a.note());
  }

  @Override
  public Optional<Approval> get(String id) {
    return first(
        db.select(
            "read approval " + id,
            "SELECT " + COLUMNS + " FROM approvals WHERE id = ?",
            JdbcApprovals::read,
            id));
  }

  @Override
  public Optional<Approval> latest(String bindingDigest) {
    return first(
        db.select(
            "read the approvals of a call",
            "SELECT "
                + COLUMNS
                + " FROM approvals WHERE binding = ? ORDER BY requested_at DESC, id DESC LIMIT 1",
            JdbcApprovals::read,
            bindingDigest));
  }

  @Override
  public List<Approval> all() {
    return db.select(
        "read approvals",
        "SELECT " + COLUMNS + " FROM approvals ORDER BY requested_at DESC, id DESC",
        JdbcApprovals::read);
  }

  @Override
  public boolean transition(Approval.Status from, Approval next) {
    return db.update(
            "update approval " + next.id(),
            "UPDATE approvals SET status = ?, decided_by = ?, note = ? WHERE id = ? AND status = ?",
            next.status().name(),
            next.decidedBy(),
            next.note(),
            next.id(),
            from.name())
        == 1;
  }

  private static Optional<Approval> first(List<Approval> rows) {
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private static Approval read(ResultSet r) throws SQLException {
    return new Approval(
        r.getString(1),
        new Binding(r.getString(2), r.getString(3), r.getString(4), r.getString(5)),
        r.getString(6),
        r.getString(7),
        Instant.ofEpochMilli(r.getLong(8)),
        Instant.ofEpochMilli(r.getLong(9)),
        Approval.Status.valueOf(r.getString(10)),
        r.getString(11),
        r.getString(12));
  }
}
