-- A group's open photo collection (/raccogli … /crea): at most one per chat.
CREATE TABLE collections (
    chat_id BIGINT PRIMARY KEY,
    opened_by TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    last_activity_at TEXT NOT NULL
);
