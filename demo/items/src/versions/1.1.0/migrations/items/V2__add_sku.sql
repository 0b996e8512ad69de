-- Every item gets a stock-keeping unit ITEM-<id>: existing rows here, new rows by a trigger, so
-- clients that only send a name (those written for 1.0.0) keep working.
ALTER TABLE items ADD COLUMN sku text;

UPDATE items SET sku = 'ITEM-' || id;

-- Column defaults are applied before BEFORE triggers run, so NEW.id is already set here.
CREATE FUNCTION items_default_sku() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.sku IS NULL THEN
        NEW.sku := 'ITEM-' || NEW.id;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER items_default_sku
    BEFORE INSERT ON items
    FOR EACH ROW EXECUTE FUNCTION items_default_sku();

ALTER TABLE items ALTER COLUMN sku SET NOT NULL;

CREATE UNIQUE INDEX items_sku_key ON items (sku);
