-- Updates taken from Telegram and not yet handled. Telegram forgets an update once the
-- next getUpdates confirms it, which happens before the bot has handled it; a row here
-- lets a restart pick up what a crash or a shutdown cut off.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,
    received_at TEXT NOT NULL
);
