-- Uploads become two-phase: a row is a claim (claimed_by, claimed_at) until the cloud
-- has the file (uploaded_at). A claim left by a process that died mid-upload (SIGKILL, an
-- OOM kill) can then be told from a finished upload and retried instead of being taken for
-- a duplicate.
-- Rows written before this migration were claims made and kept by the old code, which
-- deleted a claim whose upload failed: nearly all are finished uploads, so they count as
-- uploaded rather than risk uploading a file twice.
ALTER TABLE uploads RENAME COLUMN uploaded_at TO claimed_at;
ALTER TABLE uploads ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ALTER COLUMN claimed_by DROP DEFAULT;
ALTER TABLE uploads ADD COLUMN uploaded_at TEXT;
UPDATE uploads SET uploaded_at = claimed_at;
