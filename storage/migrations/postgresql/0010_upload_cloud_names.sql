-- What the cloud called each upload in its answer: the file name and the CDN address.
-- A draft's segments name their media in undocumented ways; matching those names and
-- addresses against these lets a local video follow the draft's order and timing.
-- Uploads recorded before have neither, and a local video of them keeps the order sent.
ALTER TABLE uploads ADD COLUMN cloud_name TEXT;
ALTER TABLE uploads ADD COLUMN cloud_url TEXT;
