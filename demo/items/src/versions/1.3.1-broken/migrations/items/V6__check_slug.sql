-- Contract: every node now fills the slug, so it may be required. NOT VALID checks new rows only.
ALTER TABLE items ADD CONSTRAINT items_slug_set CHECK (slug IS NOT NULL) NOT VALID;
