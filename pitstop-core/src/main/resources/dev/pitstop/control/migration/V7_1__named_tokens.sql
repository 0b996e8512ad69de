-- Named API tokens with a role each. Only the SHA-256 hash of a token is stored: the tokens are 256
-- random bits, so a fast hash is enough to make a stolen table useless for logging in.
-- (Versioned 7.1 so that it orders after any V7 landing in the same release.)

CREATE TABLE tokens (
    name       text PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    hash       text NOT NULL UNIQUE,
    role       text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    rotated_at timestamptz
);
