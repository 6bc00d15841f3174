-- How many times the bot set out to deliver a render: a render whose delivery keeps
-- failing (or keeps crashing the bot) is given up after a few, not resumed forever.
-- A render recorded before counts as tried once.
ALTER TABLE renders ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
