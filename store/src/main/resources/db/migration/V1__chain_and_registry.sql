-- One schema for SQLite and PostgreSQL (portable types: BYTEA is a BLOB to SQLite).

-- The Causal Chain: one row per entry. body holds the action's canonical bytes (the truth); the
-- other columns are indexes for queries and are checked against body by verification.
CREATE TABLE chain_entries (
  idx           BIGINT       NOT NULL PRIMARY KEY,
  action_id     TEXT         NOT NULL,
  type          TEXT         NOT NULL,
  parent_id     TEXT        ,
  plan_id       TEXT        ,
  intent_id     TEXT        ,
  capability_id TEXT        ,
  caller        TEXT        ,
  time_nanos    BIGINT       NOT NULL,
  body          BYTEA        NOT NULL,
  leaf_hash     BYTEA        NOT NULL,
  chain_hash    BYTEA        NOT NULL
);
-- Partial indexes where a column is often empty (registry events have no plan, plan events no
-- capability): smaller and cheaper to maintain on every append; 'col = ?' queries still use them.
CREATE INDEX chain_entries_action ON chain_entries (action_id);
CREATE INDEX chain_entries_parent ON chain_entries (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX chain_entries_plan ON chain_entries (plan_id) WHERE plan_id IS NOT NULL;
CREATE INDEX chain_entries_intent ON chain_entries (intent_id) WHERE intent_id IS NOT NULL;
CREATE INDEX chain_entries_capability ON chain_entries (capability_id) WHERE capability_id IS NOT NULL;
CREATE INDEX chain_entries_caller ON chain_entries (caller) WHERE caller IS NOT NULL;
CREATE INDEX chain_entries_time ON chain_entries (time_nanos);

-- The end of the log: size, last chain hash and the Merkle tree's right edge (a CompactRange).
-- Appenders lock this row, so writers in any number of processes form one chain.
CREATE TABLE chain_head (
  id         INTEGER NOT NULL PRIMARY KEY,
  size       BIGINT  NOT NULL,
  chain_hash BYTEA   NOT NULL,
  merkle     BYTEA   NOT NULL
);

-- Signed checkpoints (C2SP tlog-checkpoint notes).
CREATE TABLE chain_checkpoints (
  size       BIGINT      NOT NULL,
  note       TEXT        NOT NULL,
  created_at BIGINT      NOT NULL,
  PRIMARY KEY (size, note)
);

CREATE TABLE chain_meta (
  name  TEXT        NOT NULL PRIMARY KEY,
  value TEXT        NOT NULL
);

-- Manifests registered at runtime, kept across restarts.
CREATE TABLE registry_manifests (
  id         TEXT         NOT NULL,
  version    TEXT         NOT NULL,
  source     TEXT         NOT NULL,
  manifest   TEXT         NOT NULL,   -- the manifest's data form in RTFS syntax
  stored_at  BIGINT       NOT NULL,
  PRIMARY KEY (id, version)
);
