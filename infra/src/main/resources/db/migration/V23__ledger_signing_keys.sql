-- Every key that ever signed checkpoints, where every instance and verifier finds it (LedgerKeys, ADR 0017): each
-- instance registers its key on start, a retired key keeps its row with valid_until set. Rows are never deleted,
-- and only valid_until may be set, once.
CREATE TABLE ledger_signing_keys (
    key_id        VARCHAR(64) PRIMARY KEY,
    algorithm     VARCHAR(20) NOT NULL CHECK (algorithm = 'Ed25519'),
    public_key    TEXT        NOT NULL,
    valid_from    TIMESTAMPTZ NOT NULL,
    valid_until   TIMESTAMPTZ
);

CREATE FUNCTION ledger_signing_keys_retire_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.valid_until IS NULL AND NEW.valid_until IS NOT NULL
       AND NEW.key_id = OLD.key_id AND NEW.algorithm = OLD.algorithm AND NEW.public_key = OLD.public_key
       AND NEW.valid_from = OLD.valid_from THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on % is refused: a signing key is only ever retired', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER ledger_signing_keys_retire_only BEFORE UPDATE OR DELETE ON ledger_signing_keys
    FOR EACH ROW EXECUTE FUNCTION ledger_signing_keys_retire_only();
CREATE TRIGGER ledger_signing_keys_no_truncate BEFORE TRUNCATE ON ledger_signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Checkpoints chain to the one before (format 2): the signed message names the previous checkpoint's ledger_seq
-- and the SHA-256 of its signature, so a checkpoint removed from between two others is noticed. Format 1 rows
-- (before this migration) have neither.
ALTER TABLE ledger_checkpoints ADD COLUMN format SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE ledger_checkpoints ADD COLUMN prev_ledger_seq BIGINT;
ALTER TABLE ledger_checkpoints ADD COLUMN prev_signature_sha256 BYTEA;

DO $$
DECLARE
    app_role TEXT := '${app_role}';
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON ledger_signing_keys TO %I', app_role);
END
$$;
