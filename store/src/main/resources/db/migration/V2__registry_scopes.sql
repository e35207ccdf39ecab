-- Runtime-registered manifests belong to the configuration that registered them (issue 11): two
-- configurations sharing a data directory no longer see each other's. The scope is the
-- configuration file's absolute path ('' without one); rows stored before this migration become
-- shared ('*'), as they were, until removed. Same SQL on SQLite and PostgreSQL: a new table with
-- the wider key, the rows copied, the old table replaced.
CREATE TABLE registry_manifests_scoped (
  scope      TEXT         NOT NULL,
  id         TEXT         NOT NULL,
  version    TEXT         NOT NULL,
  source     TEXT         NOT NULL,
  manifest   TEXT         NOT NULL,
  stored_at  BIGINT       NOT NULL,
  PRIMARY KEY (scope, id, version)
);
INSERT INTO registry_manifests_scoped (scope, id, version, source, manifest, stored_at)
  SELECT '*', id, version, source, manifest, stored_at FROM registry_manifests;
DROP TABLE registry_manifests;
ALTER TABLE registry_manifests_scoped RENAME TO registry_manifests;
