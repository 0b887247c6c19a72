-- scheduled_reminders_plan_unique (loan_id, loan_version, kind, occurrence) already serves every
-- look-up by loan_id, its first column; the separate index on loan_id only cost ten more index
-- entries (and their WAL) for every new loan's plan.
DROP INDEX "scheduled_reminders_loan_idx";
