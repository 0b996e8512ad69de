-- Where the gateway asks whether a node serves. Null for Pitstop's own nodes (/health/ready); a node
-- of an application Pitstop does not host (release.json "node.health.ready") has its own, e.g.
-- NocoBase's /api/__health_check: its other paths answer 200 with the web client even while it starts.
-- (Versioned 7.14 so that it orders after the 7.x migrations landing in the same release.)

ALTER TABLE nodes ADD COLUMN health_path text;
