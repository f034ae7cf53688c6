package com.procledger.domain;

import java.util.Map;

/**
 * Keys the ledger adds to an event's metadata when it is read back: its place in the tenant's ledger and the
 * tenant. Stored events never carry these keys themselves; the ledger row does.
 */
public final class LedgerMetadata {

    public static final String LEDGER_SEQ = "ledgerSeq";
    public static final String TENANT_ID = "tenantId";

    private LedgerMetadata() {
    }

    public static long ledgerSeq(Map<String, ?> metadata) {
        Object value = metadata.get(LEDGER_SEQ);
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new IllegalStateException("event was not read from the ledger: no " + LEDGER_SEQ + " in its metadata");
    }
}
