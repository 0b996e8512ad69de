-- Expand: a batched backfill. An online upgrade repeats this statement, each run in its own
-- transaction, until it changes no row, so no run locks more than a batch of rows. The batch is
-- the lowest ids of the partial index items_missing_slug (V4_1): ORDER BY id makes PostgreSQL read
-- it rather than scan items, whose first pages fill up with the rows earlier batches replaced.
UPDATE items SET slug = lower(name)
WHERE id IN (SELECT id FROM items WHERE slug IS NULL ORDER BY id LIMIT 1000);
