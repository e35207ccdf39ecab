-- Approvals bound to one call (issue 14): asked for by the call path, decided by an operator's
-- `agora approvals approve|deny` in another process, used once. `binding` is the SHA-256 of the
-- capability id, definition digest, arguments digest and caller; a call finds its approvals by it.
-- Times are epoch milliseconds. Same SQL on SQLite and PostgreSQL.
CREATE TABLE approvals (
  id                 TEXT    NOT NULL PRIMARY KEY,
  binding            TEXT    NOT NULL,
  capability_id      TEXT    NOT NULL,
  definition_digest  TEXT    NOT NULL,
  arguments_digest   TEXT    NOT NULL,
  caller             TEXT    NOT NULL,
  why                TEXT    NOT NULL,
  arguments          TEXT    NOT NULL,
  requested_at       BIGINT  NOT NULL,
  expires_at         BIGINT  NOT NULL,
  status             TEXT    NOT NULL,
  decided_by         TEXT,
  note               TEXT
);
CREATE INDEX approvals_by_binding ON approvals (binding, requested_at);
