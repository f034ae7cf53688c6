-- Most ledger events are access events (one per request) and belong to no aggregate. The unique index on
-- (aggregate_id, aggregate_seq) only has to hold for events that do; a partial index skips the others' empty
-- entries, so every access event is one index insertion cheaper. Lookups by aggregate (aggregate_id = ?) can
-- still use it.
ALTER TABLE ledger_events DROP CONSTRAINT ledger_events_aggregate_seq;
CREATE UNIQUE INDEX ledger_events_aggregate_seq ON ledger_events (aggregate_id, aggregate_seq)
    WHERE aggregate_id IS NOT NULL;

