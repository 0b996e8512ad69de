-- An operator may give up on an open procedure that no command can finish (--abandon): it ends as
-- 'abandoned', with nothing undone or finished, and the audit log says who gave it up.
ALTER TABLE procedures DROP CONSTRAINT procedures_state_check,
    ADD CONSTRAINT procedures_state_check
        CHECK (state IN ('running', 'paused', 'failed', 'succeeded', 'rolled-back', 'abandoned'));

ALTER TABLE audit DROP CONSTRAINT audit_outcome_check,
    ADD CONSTRAINT audit_outcome_check CHECK (outcome IN ('succeeded', 'failed', 'refused', 'abandoned'));
