-- The log of environment migrations applied to this cluster: what ran, what it changed, and the
-- backup taken before, so that an unwanted result is one restore away. In the control schema, so
-- that restoring that backup keeps the log.
CREATE TABLE migration_log (
    id             bigserial PRIMARY KEY,
    file           text        NOT NULL,
    source_release text,
    target_release text,
    backup         text,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL DEFAULT now(),
    outcome        text        NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    message        text,
    -- [{"name", "millis"}]
    steps          jsonb       NOT NULL DEFAULT '[]',
    -- [{"table", "rule", "inserted", "updated", "deleted"}]
    tables         jsonb       NOT NULL DEFAULT '[]',
    -- the schema-changing statements, in the order they ran
    statements     jsonb       NOT NULL DEFAULT '[]'
);
