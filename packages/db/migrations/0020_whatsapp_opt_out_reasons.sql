-- A WhatsApp opt-out says who made it (whatsapp_opt_out_reason: 'inbound_stop', 'desk',
-- 'preferences_page') and when, and a row with WhatsApp on carries none. Only an inbound STOP's
-- opt-out speaks for its number, for every profile with it, and only it is undone by a START
-- (docs/design-decisions.md, "START undoes STOP, and only STOP"). Until now the desk's API never
-- wrote these columns and the preferences page kept the reason when it turned WhatsApp back on,
-- so some rows carry an opt-out that is not theirs. Both statements can run again.

-- WhatsApp on: no opt-out.
UPDATE "notification_preferences"
SET "whatsapp_opt_out_at" = NULL, "whatsapp_opt_out_reason" = NULL
WHERE "whatsapp_enabled"
  AND ("whatsapp_opt_out_at" IS NOT NULL OR "whatsapp_opt_out_reason" IS NOT NULL);
--> statement-breakpoint
-- A STOP's opt-out on a row turned back on by hand since (at the desk: its consent is newer than
-- the STOP; on the page: the time was cleared) and then off again at the desk, which wrote
-- nothing: the desk's opt-out, at the row's last change.
UPDATE "notification_preferences"
SET "whatsapp_opt_out_reason" = 'desk', "whatsapp_opt_out_at" = "updated_at"
WHERE NOT "whatsapp_enabled"
  AND "whatsapp_opt_out_reason" = 'inbound_stop'
  AND ("whatsapp_opt_out_at" IS NULL OR "whatsapp_consent_at" > "whatsapp_opt_out_at");
