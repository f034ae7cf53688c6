-- A request with an Idempotency-Key carries the key (hashed with its scope, numbered per command) into the metadata
-- of the events it causes, so that a retry after a crash finds what committed (IdempotencyFilter, Commands). Only
-- such events are indexed. idempotency_keys.created_at is now when the key was last claimed: a key pending for
-- longer than the lease lost its request and may be taken over.
CREATE INDEX ledger_events_idempotency_key ON ledger_events ((metadata ->> 'idempotencyKey'))
    WHERE metadata ->> 'idempotencyKey' IS NOT NULL;
