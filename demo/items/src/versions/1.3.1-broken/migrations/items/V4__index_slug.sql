-- Expand: built without blocking writes; CONCURRENTLY runs outside a transaction, so alone in its file.
CREATE INDEX CONCURRENTLY items_slug ON items (slug);
