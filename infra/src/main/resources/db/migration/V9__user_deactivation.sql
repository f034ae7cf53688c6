-- A deactivated account keeps its row (its history stays readable) but can no longer sign in.
ALTER TABLE user_account ADD COLUMN deactivated_at TIMESTAMPTZ;
