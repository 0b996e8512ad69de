-- Broken on purpose: release 1.2.0-broken exists to exercise the upgrade's rollback. The first
-- statements succeed, then the migration fails.
CREATE TABLE price_history (
    item_id    bigint        NOT NULL REFERENCES items (id),
    price      numeric(10, 2),
    changed_at timestamptz   NOT NULL DEFAULT now()
);

INSERT INTO price_history (item_id, price) SELECT id, price FROM items;

DO $$
BEGIN
    RAISE EXCEPTION 'demo: broken migration';
END
$$;
