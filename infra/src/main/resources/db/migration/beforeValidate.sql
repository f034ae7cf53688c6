-- Flyway runs this before it validates the schema history against these scripts (on every start).
-- Version 19 landed twice with different scripts: first V19__business_event_stream.sql (checksum 382270815: the
-- partial index ledger_events_business only), then V19__access_log_kept_by_the_append.sql (the same index, plus the
-- access-log rows an old processor had not reached, and dropping its token). A database migrated with the first
-- would fail validation. Its index is the same, V20 replaces the access-log table by a view of the ledger and drops
-- that token too, so nothing of the second is missing: record it as the second (checksum 788347333).
DO $$
BEGIN
    IF to_regclass('flyway_schema_history') IS NOT NULL THEN
        UPDATE flyway_schema_history SET description = 'access log kept by the append',
            script = 'V19__access_log_kept_by_the_append.sql', checksum = 788347333
        WHERE version = '19' AND checksum = 382270815;
    END IF;
END
$$;
