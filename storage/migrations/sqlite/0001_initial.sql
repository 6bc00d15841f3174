-- The bot's NemoVideo credentials: one row, so the anonymous token is reused across restarts.
CREATE TABLE credentials (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    client_id TEXT NOT NULL,
    token TEXT,
    user_id TEXT,
    expires_at TEXT
);

-- One Telegram chat, one NemoVideo project.
CREATE TABLE chats (
    chat_id INTEGER PRIMARY KEY,
    session_id TEXT,
    task_id TEXT,
    locale TEXT,
    item_count INTEGER NOT NULL DEFAULT 0 CHECK (item_count >= 0)
);

CREATE TABLE chat_settings (
    chat_id INTEGER NOT NULL
        REFERENCES chats (chat_id) ON UPDATE CASCADE ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (chat_id, key)
);

-- Renders from submission to delivery, so a restart still delivers the video.
CREATE TABLE renders (
    render_id TEXT PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL,
    output_url TEXT,
    error TEXT,
    status_message_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    delivered_at TEXT
);

CREATE INDEX renders_by_chat ON renders (chat_id);

-- At most one agent turn in flight per chat; a row left at start-up was interrupted.
CREATE TABLE turns (
    chat_id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    text TEXT NOT NULL,
    started_at TEXT NOT NULL
);

-- What went into which session, so a re-delivered Telegram update never uploads twice.
CREATE TABLE uploads (
    session_id TEXT NOT NULL,
    file_unique_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    filename TEXT NOT NULL,
    file_type TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    PRIMARY KEY (session_id, file_unique_id)
);

CREATE INDEX uploads_by_chat ON uploads (chat_id);
