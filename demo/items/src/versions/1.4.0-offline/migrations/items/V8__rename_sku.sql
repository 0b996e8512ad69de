-- Renames sku to code: nodes of 1.3.0 would lose the column they know, so this release can only
-- be upgraded to offline, and the linter says so. The trigger function follows the new name.
ALTER TABLE items RENAME COLUMN sku TO code;

CREATE OR REPLACE FUNCTION items_default_sku() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.code IS NULL THEN
        NEW.code := 'ITEM-' || NEW.id;
    END IF;
    RETURN NEW;
END
$$;
