-- The application's settings, and its environment. Settings are configuration: an environment
-- migration moves them from staging to production. Environment variables and secrets belong to one
-- environment: a migration carries only their names, and refuses to run where one is missing.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

INSERT INTO settings (key, value) VALUES ('site.title', 'Pitstop demo');

CREATE TABLE environment (
    name   text PRIMARY KEY,
    value  text NOT NULL,
    secret boolean NOT NULL DEFAULT false
);
