-- An online upgrade lets nodes of two releases serve together: the installed one and its target,
-- until the target's contract migrations run. One row while an online upgrade is under way.
CREATE TABLE pitstop.mixed_releases (
    id          int         PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    old_release text        NOT NULL,
    new_release text        NOT NULL,
    contracted  boolean     NOT NULL DEFAULT false,
    since       timestamptz NOT NULL DEFAULT now()
);
