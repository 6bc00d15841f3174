-- Uploads become two-phase: a row is a claim (claimed_by, claimed_at) until the cloud
-- has the file (uploaded_at). A claim left by a process that died mid-upload (SIGKILL, an
-- OOM kill) can then be told from a finished upload and retried instead of being taken for
-- a duplicate. SQLite cannot make a column nullable in place, hence the copy.
-- Rows written before this migration were claims made and kept by the old code, which
-- deleted a claim whose upload failed: nearly all are finished uploads, so they count as
-- uploaded rather than risk uploading a file twice.
CREATE TABLE uploads_claimed (
    session_id TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    filename TEXT NOT NULL,
    file_type TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    uploaded_at TEXT,
    PRIMARY KEY (session_id, file_unique_id)
);

INSERT INTO uploads_claimed
    (session_id, file_unique_id, chat_id, filename, file_type, claimed_by, claimed_at,
     uploaded_at)
SELECT session_id, file_unique_id, chat_id, filename, file_type, '', uploaded_at, uploaded_at
FROM uploads;

DROP TABLE uploads;

ALTER TABLE uploads_claimed RENAME TO uploads;

CREATE INDEX uploads_by_chat ON uploads (chat_id);
