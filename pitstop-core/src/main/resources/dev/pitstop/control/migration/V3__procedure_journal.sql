-- The procedure journal: every maintenance procedure (maintenance window, upgrade, restore, ...) and
-- each run of each of its steps, written before and after the step runs. A procedure whose operator
-- process died stays 'running' here while nobody holds the procedure lock: it is interrupted, and
-- the journal is what lets the next operator resume it or roll it back.

CREATE TABLE procedures (
    id          bigserial PRIMARY KEY,
    kind        text NOT NULL,
    -- running, paused (waiting for the operator) and failed (stopped at a failed step) are open:
    -- they block other procedures until resumed or rolled back. succeeded and rolled-back are final.
    state       text NOT NULL DEFAULT 'running'
        CHECK (state IN ('running', 'paused', 'failed', 'succeeded', 'rolled-back')),
    -- Set once a rollback began; from then on resuming means continuing the rollback.
    rolling_back boolean NOT NULL DEFAULT false,
    -- What the procedure was started with (JSON object of strings), so a resume continues with the same.
    params      text NOT NULL DEFAULT '{}',
    actor       text NOT NULL,
    origin      text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz,
    message     text
);

-- At most one open procedure: the procedure lock serialises operators, this keeps the journal honest.
CREATE UNIQUE INDEX procedures_one_open ON procedures ((true)) WHERE state IN ('running', 'paused', 'failed');

CREATE TABLE procedure_steps (
    id           bigserial PRIMARY KEY,
    procedure_id bigint NOT NULL REFERENCES procedures (id),
    -- The step's position in the procedure's forward or rollback list, from 1.
    position     integer NOT NULL CHECK (position > 0),
    rollback     boolean NOT NULL,
    name         text NOT NULL,
    state        text NOT NULL CHECK (state IN ('running', 'done', 'failed', 'paused')),
    started_at   timestamptz NOT NULL DEFAULT now(),
    ended_at     timestamptz,
    message      text
);
CREATE INDEX procedure_steps_of_procedure ON procedure_steps (procedure_id, id);
