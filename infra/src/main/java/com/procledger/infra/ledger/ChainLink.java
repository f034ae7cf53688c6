package com.procledger.infra.ledger;

/**
 * One event as the chain check needs it: its sequence, the UTF-8 bytes of its eleven hashed fields in canonical
 * order (docs/ledger-format.md; a null field is {@code null}), and the hashes stored with it.
 */
public record ChainLink(long ledgerSeq, byte[][] fields, byte[] prevHash, byte[] hash) {

    public static ChainLink of(LedgerRecord record) {
        return new ChainLink(record.ledgerSeq(), LedgerHashing.fields(record), record.prevHash(), record.hash());
    }
}
