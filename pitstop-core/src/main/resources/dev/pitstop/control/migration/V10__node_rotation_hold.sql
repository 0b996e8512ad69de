-- Why a procedure keeps a node out of the rotation even while it answers ready; null: the node takes
-- traffic whenever it is ready. The online upgrade holds a node from before it stops until its
-- replacement passed verification (ready, version, the configured checks), so clients never reach a
-- node that has not been verified. A node registering again keeps its hold.

ALTER TABLE nodes ADD COLUMN held text;
