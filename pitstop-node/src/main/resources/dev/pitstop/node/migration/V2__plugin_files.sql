-- Plugins added at run time live as jars in the shared storage directory ('file'); bundled ones
-- come with the release (file is null). A plugin is installed once its migrations have run.
ALTER TABLE plugins
    ADD COLUMN file      text,
    ADD COLUMN installed boolean NOT NULL DEFAULT true;
