package com.procledger.infra.identity;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.Locale;
import java.util.UUID;

/**
 * Which account holds an email address in a tenant (table {@code identity_email_claims}; an address is unique per
 * tenant). A claim is written in the same transaction as the UserRegistered event, so two concurrent registrations
 * of one address cannot both succeed.
 */
public class EmailClaims {

    private final JdbcTemplate jdbc;

    public EmailClaims(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Claims the address for the user; true when it is the user's now. Claiming again for the same user (a retried
     * request that died after its commit) is true as well; false when another account of the tenant holds it.
     */
    public boolean claim(UUID tenantId, String email, UUID userId) {
        String address = normalized(email);
        int claimed = jdbc.update("""
                INSERT INTO identity_email_claims (email, user_id, tenant_id) VALUES (?, ?, ?)
                ON CONFLICT (tenant_id, email) DO NOTHING""", address, userId, tenantId);
        return claimed == 1 || userId.equals(jdbc.query(
                "SELECT user_id FROM identity_email_claims WHERE tenant_id = ? AND email = ?",
                rs -> rs.next() ? rs.getObject(1, UUID.class) : null, tenantId, address));
    }

    public boolean isClaimed(UUID tenantId, String email) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM identity_email_claims WHERE tenant_id = ? AND email = ?)",
                Boolean.class, tenantId, normalized(email)));
    }

    /** Frees the user's address (erasure): the claim is the one copy of it outside the user's read model. */
    public void release(UUID userId) {
        jdbc.update("DELETE FROM identity_email_claims WHERE user_id = ?", userId);
    }

    public static String normalized(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }
}
