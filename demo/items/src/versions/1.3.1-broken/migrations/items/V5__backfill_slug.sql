-- Expand: a batched backfill. An online upgrade repeats this statement, each run in its own
-- transaction, until it changes no row, so no run locks more than a batch of rows.
UPDATE items SET slug = lower(name) WHERE id IN (SELECT id FROM items WHERE slug IS NULL LIMIT 1000);
