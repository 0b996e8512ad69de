CREATE TABLE broken_notes (
    id   bigserial PRIMARY KEY,
    note text      NOT NULL
);
