-- Twilio status callbacks that arrive before the sender has recorded the message SID they name
-- (see heldStatusCallbacks in src/schema/notifications.ts): held here, applied once the SID is known.
CREATE TABLE "held_status_callbacks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_sid" text NOT NULL,
	"twilio_status" text NOT NULL,
	"error_code" text,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "held_status_callbacks_callback_unique" UNIQUE NULLS NOT DISTINCT("message_sid","twilio_status","error_code")
);
--> statement-breakpoint
CREATE INDEX "held_status_callbacks_received_idx" ON "held_status_callbacks" USING btree ("received_at");