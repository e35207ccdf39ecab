-- The nodes serving from this database (issue 18): each `agora serve` adds its row when it starts,
-- updates seen_at and in_flight every heartbeat, and removes it when it stops; `agora nodes` lists
-- them (a node not seen for three heartbeats is shown as down). Times are epoch milliseconds.
-- Same SQL on SQLite and PostgreSQL.
CREATE TABLE nodes (
  id          TEXT    NOT NULL PRIMARY KEY,
  url         TEXT    NOT NULL,
  started_at  BIGINT  NOT NULL,
  seen_at     BIGINT  NOT NULL,
  in_flight   INTEGER NOT NULL
);
