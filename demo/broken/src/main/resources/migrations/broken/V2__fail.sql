-- Fails on purpose after V1 has created its table: installing this plugin must leave no trace.
INSERT INTO broken_notes (note) VALUES ('written before the failure');

DO $$
BEGIN
    RAISE EXCEPTION 'demo: broken plugin migration';
END
$$;
