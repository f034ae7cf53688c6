-- Tamper evidence: the ledger and its signed checkpoints cannot be changed or removed through SQL, only added to.
-- (A superuser can still drop the triggers; that is what the hash chain and the signed checkpoints catch.)

CREATE TABLE ledger_checkpoints (
    tenant_id  UUID        NOT NULL,
    ledger_seq BIGINT      NOT NULL,
    head_hash  BYTEA       NOT NULL,
    signed_at  TIMESTAMPTZ NOT NULL,
    key_id     VARCHAR(64) NOT NULL,
    signature  BYTEA       NOT NULL,
    PRIMARY KEY (tenant_id, ledger_seq)
);

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% on % is refused: the ledger is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER ledger_events_append_only BEFORE UPDATE OR DELETE ON ledger_events
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_events_no_truncate BEFORE TRUNCATE ON ledger_events
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_checkpoints_append_only BEFORE UPDATE OR DELETE ON ledger_checkpoints
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
