-- Test fixture: the sleep holds the installation open long enough to kill the node in the middle of it.
CREATE TABLE slow_marks (
    id         bigserial   PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);

SELECT pg_sleep(8);
