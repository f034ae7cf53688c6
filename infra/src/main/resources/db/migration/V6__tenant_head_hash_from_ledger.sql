-- The previous event's hash is read from the ledger row itself when appending (one statement fewer per
-- append); a copy in ledger_tenant_heads would only be a second truth to keep in step.
ALTER TABLE ledger_tenant_heads DROP COLUMN last_hash;
