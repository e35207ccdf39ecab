package dev.agora.store;

import dev.agora.core.trust.pins.PinStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * The {@code pins} table (migration V7): the pins the nodes on the database take themselves, one
 * row per {@code id@version}, each written by a statement of its own, so that two nodes pinning at
 * once keep both their pins.
 */
final class JdbcPins implements PinStore {

  private static final String SELECT = "SELECT pin, digest, definition FROM pins";

  private static final String INSERT =
      "INSERT INTO pins (pin, digest, definition, revision, pinned_at) VALUES (?, ?, ?, 1, ?)";

  private final JdbcStore db;

  JdbcPins(JdbcStore db) {
    this.db = db;
  }

  @Override
  public List<Stored> all() {
    return db.select("read the pins", SELECT + " ORDER BY pin", JdbcPins::read);
  }

  /** Inserts unless the key is there (first committed wins), then reads what is there. */
  @Override
  public Stored pinIfAbsent(Stored pin) {
    db.update(
        "pin " + pin.key(),
        INSERT + " ON CONFLICT (pin) DO NOTHING",
        pin.key(),
        pin.digest(),
        pin.definition(),
        System.currentTimeMillis());
    return db.select(
            "read the pin of " + pin.key(), SELECT + " WHERE pin = ?", JdbcPins::read, pin.key())
        .getFirst(); // rows are never deleted
  }

  @Override
  public void put(Stored pin) {
    db.update(
        "pin " + pin.key(),
        INSERT
            + " ON CONFLICT (pin) DO UPDATE SET digest = excluded.digest, definition ="
            + " excluded.definition, revision = pins.revision + 1, pinned_at = excluded.pinned_at",
        pin.key(),
        pin.digest(),
        pin.definition(),
        System.currentTimeMillis());
  }

  /** The count of pins and the sum of their revisions: both only grow, one at every write. */
  @Override
  public String stamp() {
    return db.select(
            "read the pins' fingerprint",
            "SELECT COUNT(*), COALESCE(SUM(revision), 0) FROM pins",
            r -> r.getLong(1) + "/" + r.getLong(2))
        .getFirst();
  }

  @Override
  public String describe() {
    return db.describe() + " (table pins)";
  }

  private static Stored read(ResultSet r) throws SQLException {
    return new Stored(r.getString(1), r.getString(2), r.getString(3));
  }
}
