-- Every message row is updated twice soon after it is written: the claim (attempts, lease_until,
-- updated_at) and the settle. The claim touches no indexed column, so Postgres can update the row
-- in place (HOT) and write no index entry, but only if the row's page has room for the new
-- version; with the default fillfactor of 100 the page is full by then and each claim wrote seven
-- index entries. A fifth of each new page is now kept free for those updates. Pages written before
-- this migration keep their old layout until the table is rewritten (VACUUM FULL, pg_repack).
ALTER TABLE "notification_log" SET (fillfactor = 80);
