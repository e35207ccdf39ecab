-- Each node's public key (issue 18: the remote-rtfs provider): the signed-note verifier key of the
-- node's chain-key, with which its peers check the requests it signs. Null for a node that has not
-- said it. Same SQL on SQLite and PostgreSQL.
ALTER TABLE nodes ADD COLUMN node_key TEXT;
