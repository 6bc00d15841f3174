-- The bot never kept a render's status message here: the column stayed empty.
ALTER TABLE renders DROP COLUMN status_message_id;
