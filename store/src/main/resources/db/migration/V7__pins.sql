-- The pins each node takes itself (trust.pinning tofu, issue 18), shared by every node on the
-- database: a definition pinned on first sight, or approved, on one node is pinned alike on all.
-- One row per pinned id@version (as the lock files name it): the definition's digest and the
-- definition as the lock file keeps it (JSON text). A first sight inserts unless the key is there
-- (the first to commit wins); an approval replaces the row and adds 1 to its revision, so the
-- count of rows and the sum of revisions change at every write: the fingerprint nodes poll.
-- pinned_at (epoch milliseconds, the last write) is for people reading the table. The user's lock
-- file (trust.pinning.lock_file) stays a file. Same SQL on SQLite and PostgreSQL.
CREATE TABLE pins (
  pin         TEXT    NOT NULL PRIMARY KEY,
  digest      TEXT    NOT NULL,
  definition  TEXT    NOT NULL,
  revision    BIGINT  NOT NULL,
  pinned_at   BIGINT  NOT NULL
);
