-- A node of a newer release upgrades the database only when a procedure has authorised exactly
-- that release; otherwise it stays incompatible. A rollback records the release it returned to.

ALTER TABLE cluster ADD COLUMN upgrade_to text;

ALTER TABLE installations DROP CONSTRAINT installations_kind_check;
ALTER TABLE installations ADD CONSTRAINT installations_kind_check
    CHECK (kind IN ('install', 'upgrade', 'rollback'));
