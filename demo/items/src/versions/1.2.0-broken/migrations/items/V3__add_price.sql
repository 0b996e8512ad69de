-- Succeeds, so that when V4 fails the database already differs from 1.1.0's: a rollback of the
-- upgrade has to restore the backup, not just stop applying migrations.
ALTER TABLE items ADD COLUMN price numeric(10, 2);
