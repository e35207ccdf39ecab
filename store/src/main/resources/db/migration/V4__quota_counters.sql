-- Quota counters shared by every node on the database (issue 18): one row per rule of
-- policy.quotas and scope (a caller's identity, a tenant's name, or *), holding its current window
-- (epoch milliseconds, from inclusive, to exclusive) and the calls and cost units charged in it.
-- A call's counters are read FOR UPDATE (PostgreSQL) or in an IMMEDIATE transaction (SQLite),
-- in key order, checked and written in one transaction. Same SQL on SQLite and PostgreSQL.
CREATE TABLE quota_counters (
  rule          TEXT              NOT NULL,
  scope         TEXT              NOT NULL,
  window_start  BIGINT            NOT NULL,
  window_end    BIGINT            NOT NULL,
  calls         BIGINT            NOT NULL,
  cost          DOUBLE PRECISION  NOT NULL,
  PRIMARY KEY (rule, scope)
);
