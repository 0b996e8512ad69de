-- Contract: slug is NOT NULL now, so the backfill's index (V4_1) is empty and no longer needed.
DROP INDEX CONCURRENTLY items_missing_slug;
