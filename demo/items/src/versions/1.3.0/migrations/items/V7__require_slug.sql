-- Contract: validated without blocking writes; SET NOT NULL then relies on the check, without a scan.
ALTER TABLE items VALIDATE CONSTRAINT items_slug_set;

ALTER TABLE items ALTER COLUMN slug SET NOT NULL;
