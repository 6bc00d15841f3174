-- Work that one replica of the bot does on behalf of all: polling Telegram ("poller") and
-- a chat's updates, turns and renders ("chat:<id>"). The holder renews its rows before
-- they expire; a row past its expiry is free for another replica to take, so the work of
-- a replica that died passes to the others. Moments are fixed-width ISO 8601 TEXT, as
-- everywhere: compared as text, they compare as time.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX leases_by_holder ON leases (holder);

-- Which chat an update belongs to, so the replica holding the chat finds the updates
-- another replica received for it. NULL for an update without a chat.
ALTER TABLE inbox ADD COLUMN chat_id BIGINT;

CREATE INDEX inbox_by_chat ON inbox (chat_id);
