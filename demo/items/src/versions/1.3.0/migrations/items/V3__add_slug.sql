-- Expand: items get a slug. Nodes of 1.1.0 ignore the new column (they read SELECT * and insert
-- only a name); a trigger fills it for the rows they insert, so both releases write complete rows.
ALTER TABLE items ADD COLUMN slug text;

CREATE FUNCTION items_default_slug() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.slug IS NULL THEN
        NEW.slug := lower(NEW.name);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER items_default_slug
    BEFORE INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION items_default_slug();
