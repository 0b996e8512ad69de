CREATE TABLE comments (
    id         bigserial   PRIMARY KEY,
    item_id    bigint      NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX comments_item_id_idx ON comments (item_id);
