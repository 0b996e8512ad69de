-- Plugin state lives in the application schema, so a backup restores it together with the
-- tables the plugins created.
CREATE TABLE plugins (
    id           text PRIMARY KEY,
    version      text NOT NULL,
    enabled      boolean NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
