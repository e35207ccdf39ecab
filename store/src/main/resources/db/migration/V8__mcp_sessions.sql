-- MCP sessions (2025-11-25 Streamable HTTP) that any node on this database answers (issue 18):
-- the node that opens a session adds its row before the client learns its id; a node handed a
-- request for a session it does not hold takes it up from here. seen_at (epoch milliseconds) is
-- brought forward at most every minute while the session is used; rows not seen for
-- server.session_idle are deleted. A DELETE of the session deletes its row. Same SQL on SQLite and
-- PostgreSQL.
CREATE TABLE mcp_sessions (
  id                TEXT    NOT NULL PRIMARY KEY,
  caller            TEXT    NOT NULL,
  protocol_version  TEXT    NOT NULL,
  capabilities      TEXT    NOT NULL,
  node              TEXT    NOT NULL,
  seen_at           BIGINT  NOT NULL
);
CREATE INDEX mcp_sessions_seen ON mcp_sessions (seen_at);
