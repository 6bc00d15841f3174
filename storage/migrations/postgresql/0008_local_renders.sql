-- Local renders: the bot can make a video itself from the chat's uploads, fetched again
-- from Telegram by file_id (Telegram keeps the files; no local copies are kept). An
-- upload recorded before has no file_id and is left out of a local video.
-- file_type, always empty until now, holds the kind the upload was judged to be
-- (image, video, audio) once it reached the project.
ALTER TABLE uploads ADD COLUMN file_id TEXT;

-- A render is made by the cloud or here ('local'); a local one keeps the words it was
-- asked with, so one started again after a restart makes the same video.
ALTER TABLE renders ADD COLUMN source TEXT NOT NULL DEFAULT 'cloud';
ALTER TABLE renders ADD COLUMN instruction TEXT;
