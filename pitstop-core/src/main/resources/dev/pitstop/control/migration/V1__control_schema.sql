-- The control schema holds what must survive a restore of the application data.
-- Its migrations are additive only: nodes of an older release keep working against a newer schema.

CREATE TABLE cluster (
    singleton         boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    mode              text NOT NULL DEFAULT 'serving' CHECK (mode IN ('serving', 'maintenance')),
    page_html         text,
    retry_after       integer NOT NULL DEFAULT 30 CHECK (retry_after > 0),
    admin_token_hash  text,
    bypass_token_hash text,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
INSERT INTO cluster DEFAULT VALUES;

CREATE TABLE nodes (
    id           text PRIMARY KEY,
    url          text NOT NULL,
    version      text NOT NULL,
    state        text NOT NULL,
    message      text,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);

-- One row per installation or upgrade attempt; the installed release is the newest completed row.
CREATE TABLE installations (
    id              bigserial PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('install', 'upgrade')),
    release_version text NOT NULL,
    node_id         text NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz
);
