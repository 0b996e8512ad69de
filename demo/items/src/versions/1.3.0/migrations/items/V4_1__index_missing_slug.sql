-- Expand: the rows still without a slug, by id, for the backfill (V5): each batch then reads the
-- next ids from this index instead of scanning the table past the rows already done, so a batch
-- costs the same at the end of a large table as at its start. Dropped by the contract (V7_1).
CREATE INDEX CONCURRENTLY items_missing_slug ON items (id) WHERE slug IS NULL;
