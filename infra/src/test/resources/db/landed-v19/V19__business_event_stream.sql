-- The read models' tracking processors other than the access log follow only business events: access events (one
-- per request, nearly all of the ledger) are of no use to them. This partial index finds the next business events
-- without stepping over the access events between them (ADR 0013).
CREATE INDEX ledger_events_business ON ledger_events (global_position) WHERE event_type <> 'AccessRecorded';
