-- A restore records the release whose data it brought back, in the transaction that restores it:
-- nodes then see the database installed at that release, and a newer release can be authorised
-- to upgrade it.

ALTER TABLE installations DROP CONSTRAINT installations_kind_check;
ALTER TABLE installations ADD CONSTRAINT installations_kind_check
    CHECK (kind IN ('install', 'upgrade', 'rollback', 'restore'));
