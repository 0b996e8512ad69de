-- What maintenance operations the cluster allows, whether a maintenance window is open, and the
-- record of every maintenance operation. Nodes read the policy at each admin request.

ALTER TABLE cluster
    ADD COLUMN plugin_policy  text NOT NULL DEFAULT 'allowed'
        CHECK (plugin_policy IN ('allowed', 'window-only', 'prohibited')),
    ADD COLUMN upgrade_policy text NOT NULL DEFAULT 'allowed'
        CHECK (upgrade_policy IN ('allowed', 'prohibited')),
    ADD COLUMN window_open    boolean NOT NULL DEFAULT false;

CREATE TABLE audit (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    operation text NOT NULL,
    target    text,
    actor     text,
    origin    text,
    outcome   text NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'refused')),
    message   text
);
