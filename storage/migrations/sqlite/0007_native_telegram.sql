-- The delivered video as Telegram keeps it: shared into other chats without a new upload.
ALTER TABLE renders ADD COLUMN video_file_id TEXT;

-- Who added how many files to a group's open collection, for one summary at its end.
CREATE TABLE collection_contributions (
    chat_id INTEGER NOT NULL,
    contributor TEXT NOT NULL,
    items INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, contributor)
);

-- The project's first photo, made small: the face of the project's videos.
CREATE TABLE project_covers (
    session_id TEXT PRIMARY KEY,
    jpeg BLOB NOT NULL,
    created_at TEXT NOT NULL
);
