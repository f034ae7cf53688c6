package com.procledger.infra.ledger;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Signed checkpoints: taking them (on demand or on schedule) and reading them back. */
public class LedgerCheckpoints {

    private final JdbcTemplate jdbc;
    private final LedgerSigner signer;
    private final Clock clock;
    private final org.springframework.transaction.support.TransactionTemplate transactions;

    public LedgerCheckpoints(DataSource dataSource, LedgerSigner signer, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.signer = signer;
        this.clock = clock;
        this.transactions = new org.springframework.transaction.support.TransactionTemplate(
                new org.springframework.jdbc.datasource.DataSourceTransactionManager(dataSource));
    }

    /** A tenant due for a checkpoint, with where its ledger stands and when it was last checkpointed. */
    public record Due(UUID tenantId, long headSeq, long checkpointSeq, Instant checkpointAt) {
    }

    /**
     * Signs the tenant's current head, unless its latest checkpoint already covers it. Returns the checkpoint that
     * covers the head now, and whether it was created by this call. Empty when the tenant has no events.
     */
    public Optional<Taken> take(UUID tenantId) {
        // one checkpoint of a tenant at a time, across instances: each names the one before it
        return transactions.execute(status -> {
            jdbc.queryForObject("SELECT pg_advisory_xact_lock(hashtextextended('procledger-checkpoint:' || ?, 0))",
                    Object.class, tenantId.toString());
            return takeLocked(tenantId);
        });
    }

    private Optional<Taken> takeLocked(UUID tenantId) {
        var heads = jdbc.query("""
                SELECT h.last_seq, e.hash FROM ledger_tenant_heads h
                JOIN ledger_events e ON e.tenant_id = h.tenant_id AND e.ledger_seq = h.last_seq
                WHERE h.tenant_id = ?""", (rs, i) -> new Object[]{rs.getLong(1), rs.getBytes(2)}, tenantId);
        if (heads.isEmpty() || heads.get(0)[1] == null) {
            return Optional.empty();
        }
        long seq = (Long) heads.get(0)[0];
        byte[] hash = (byte[]) heads.get(0)[1];
        Optional<Checkpoint> latest = latest(tenantId);
        if (latest.isPresent() && latest.get().ledgerSeq() >= seq) {
            return Optional.of(new Taken(latest.get(), false));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long prevSeq = latest.map(Checkpoint::ledgerSeq).orElse(0L);
        byte[] prevSignature = latest.map(Checkpoint::signatureSha256).orElse(Checkpoint.NO_PREVIOUS);
        byte[] signature = signer.sign(Checkpoint.message(tenantId, seq, hash, now, signer.keyId(), prevSeq, prevSignature));
        int inserted = jdbc.update("""
                INSERT INTO ledger_checkpoints (tenant_id, ledger_seq, head_hash, signed_at, key_id, signature, format,
                                                prev_ledger_seq, prev_signature_sha256)
                VALUES (?, ?, ?, ?, ?, ?, 2, ?, ?) ON CONFLICT DO NOTHING""",
                tenantId, seq, hash, OffsetDateTime.ofInstant(now, ZoneOffset.UTC), signer.keyId(), signature,
                prevSeq, prevSignature);
        if (inserted == 0) {
            return latest(tenantId).map(existing -> new Taken(existing, false));
        }
        return Optional.of(new Taken(new Checkpoint(tenantId, seq, hash, now, signer.keyId(), signature, 2, prevSeq,
                prevSignature), true));
    }

    public record Taken(Checkpoint checkpoint, boolean created) {
    }

    public Optional<Checkpoint> latest(UUID tenantId) {
        return jdbc.query("SELECT * FROM ledger_checkpoints WHERE tenant_id = ? ORDER BY ledger_seq DESC LIMIT 1",
                MAPPER, tenantId).stream().findFirst();
    }

    public List<Checkpoint> all(UUID tenantId) {
        return jdbc.query("SELECT * FROM ledger_checkpoints WHERE tenant_id = ? ORDER BY ledger_seq", MAPPER, tenantId);
    }

    /** Tenants whose ledger has grown since their latest checkpoint. */
    public List<Due> grown() {
        return jdbc.query("""
                SELECT h.tenant_id, h.last_seq, coalesce(c.ledger_seq, 0), c.signed_at
                FROM ledger_tenant_heads h
                LEFT JOIN LATERAL (SELECT ledger_seq, signed_at FROM ledger_checkpoints
                                   WHERE tenant_id = h.tenant_id ORDER BY ledger_seq DESC LIMIT 1) c ON true
                WHERE h.last_seq > coalesce(c.ledger_seq, 0)""",
                (rs, i) -> {
                    OffsetDateTime at = rs.getObject(4, OffsetDateTime.class);
                    return new Due(rs.getObject(1, UUID.class), rs.getLong(2), rs.getLong(3),
                            at == null ? null : at.toInstant());
                });
    }

    private static final RowMapper<Checkpoint> MAPPER = (rs, i) -> new Checkpoint(rs.getObject("tenant_id", UUID.class),
            rs.getLong("ledger_seq"), rs.getBytes("head_hash"), rs.getObject("signed_at", OffsetDateTime.class).toInstant(),
            rs.getString("key_id"), rs.getBytes("signature"), rs.getInt("format"), rs.getLong("prev_ledger_seq"),
            rs.getBytes("prev_signature_sha256"));
}
