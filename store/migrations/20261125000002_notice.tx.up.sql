-- Notifications are stored as data (a JSON notice) and worded by each
-- surface when delivered; the text column of earlier versions goes.
-- Pending rows written before were only ever delivered by the console;
-- they are given up rather than shown without their data.
ALTER TABLE notifications ADD COLUMN notice TEXT NOT NULL DEFAULT '';
--bun:split
UPDATE notifications SET state = 'dead', last_error = 'queued before notifications were stored as data'
WHERE notice = '' AND state = 'pending';
--bun:split
ALTER TABLE notifications DROP COLUMN text;
