/**
 * The SQLite schema of the local state store, created on open. Documents are JSON text;
 * desired states are gzipped JSON. Bump `STATE_SCHEMA_VERSION` with a migration when a
 * table changes shape.
 */
export const STATE_SCHEMA_VERSION = 1;

export const STATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS apps (
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  state TEXT NOT NULL CHECK (json_valid(state)),
  PRIMARY KEY (env, app)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS environments (
  env TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (json_valid(state))
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS history_seq (
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  last_id INTEGER NOT NULL,
  PRIMARY KEY (env, app)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS history (
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  id INTEGER NOT NULL,
  entry TEXT NOT NULL CHECK (json_valid(entry)),
  PRIMARY KEY (env, app, id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS operations (
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  operation TEXT NOT NULL CHECK (json_valid(operation)),
  PRIMARY KEY (env, app)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS desired (
  env TEXT NOT NULL,
  app TEXT NOT NULL,
  revision TEXT NOT NULL,
  objects_gz BLOB NOT NULL,
  PRIMARY KEY (env, app, revision)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS leases (
  env TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS jobs_done (
  job_id TEXT PRIMARY KEY,
  done_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
`;
