package com.procledger.projections.identity;

import com.procledger.domain.identity.Role;
import com.procledger.domain.identity.UserEvent.ConsentChanged;
import com.procledger.domain.identity.UserEvent.SubjectErased;
import com.procledger.domain.identity.UserEvent.UserDeactivated;
import com.procledger.domain.privacy.ErasedSubjects;
import com.procledger.domain.identity.UserEvent.UserRegistered;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * User accounts: who can sign in, with which roles, in which tenant, and whether they consent to AI processing.
 * Passwords are not here: they are credentials ({@code user_credentials}), never events. An erased user keeps
 * their row (roles, dates) under their label, without name or email.
 */
@Component
@ProcessingGroup(UserAccounts.PROCESSING_GROUP)
public class UserAccounts {

    public static final String PROCESSING_GROUP = "users";
    /** This read model: its processing group and the tables it writes. */
    public static final com.procledger.projections.ReadModel READ_MODEL =
            new com.procledger.projections.ReadModel(PROCESSING_GROUP, java.util.List.of("user_account"));
    private static final String COLUMNS = "SELECT user_id, tenant_id, email, name, roles, department, created_at, "
            + "deactivated_at, ai_processing FROM user_account ";

    private final JdbcTemplate jdbc;

    public UserAccounts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param email         the address, or the user's label once erased
     * @param deactivatedAt when the account was stopped; null while it is active
     * @param aiProcessing  the user's own consent to AI processing; null when they have not said
     * @param erased        whether the user's personal data is erased
     */
    public record UserAccount(UUID id, UUID tenantId, String email, String name, Set<Role> roles,
                              String department, Instant createdAt, Instant deactivatedAt, Boolean aiProcessing,
                              boolean erased) {

        public boolean active() {
            return deactivatedAt == null;
        }
    }

    @EventHandler
    void on(UserRegistered event, @Timestamp Instant at) {
        jdbc.update("""
                INSERT INTO user_account (user_id, tenant_id, email, name, roles, department, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING""",
                event.userId(), event.tenantId(), event.email(), event.name(),
                event.roles().stream().map(Role::name).sorted().toArray(String[]::new), event.department(),
                java.sql.Timestamp.from(at));
    }

    @EventHandler
    void on(UserDeactivated event, @Timestamp Instant at) {
        jdbc.update("UPDATE user_account SET deactivated_at = ? WHERE user_id = ? AND deactivated_at IS NULL",
                java.sql.Timestamp.from(at), event.userId());
    }

    /** The name becomes the label, the address goes; a rebuild after the erasure reads the label from the ledger. */
    @EventHandler
    void on(SubjectErased event, @Timestamp Instant at) {
        jdbc.update("""
                UPDATE user_account SET email = NULL, name = ?, ai_processing = NULL,
                    deactivated_at = coalesce(deactivated_at, ?) WHERE user_id = ?""",
                ErasedSubjects.label(event.userId()), java.sql.Timestamp.from(at), event.userId());
    }

    @EventHandler
    void on(ConsentChanged event) {
        jdbc.update("UPDATE user_account SET ai_processing = ? WHERE user_id = ?", event.aiProcessing(), event.userId());
    }

    @ResetHandler
    void reset() {
        jdbc.execute("TRUNCATE user_account");
    }

    /**
     * The accounts with this email, in any tenant (an address is unique only within its tenant), at most
     * {@code limit} of them.
     */
    public List<UserAccount> withEmail(String email, int limit) {
        return jdbc.query(COLUMNS + "WHERE email = ? ORDER BY created_at, user_id LIMIT ?", MAPPER,
                email.toLowerCase(Locale.ROOT), limit);
    }

    /** The account with this email in this tenant. */
    public Optional<UserAccount> findByEmail(UUID tenantId, String email) {
        return jdbc.query(COLUMNS + "WHERE tenant_id = ? AND email = ?", MAPPER, tenantId, email.toLowerCase(Locale.ROOT))
                .stream().findFirst();
    }

    public Optional<UserAccount> find(UUID userId) {
        return jdbc.query(COLUMNS + "WHERE user_id = ?", MAPPER, userId).stream().findFirst();
    }

    public List<UserAccount> inTenant(UUID tenantId) {
        return jdbc.query(COLUMNS + "WHERE tenant_id = ? ORDER BY email NULLS LAST, user_id", MAPPER, tenantId);
    }

    private static final RowMapper<UserAccount> MAPPER = (rs, i) -> {
        UUID id = rs.getObject(1, UUID.class);
        String email = rs.getString(3);
        return new UserAccount(id, rs.getObject(2, UUID.class), email == null ? ErasedSubjects.label(id) : email,
                rs.getString(4), roles(rs.getArray(5)), rs.getString(6), rs.getTimestamp(7).toInstant(),
                rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant(),
                (Boolean) rs.getObject(9), email == null);
    };

    private static Set<Role> roles(Array array) throws SQLException {
        var roles = EnumSet.noneOf(Role.class);
        Arrays.stream((String[]) array.getArray()).map(Role::valueOf).forEach(roles::add);
        return roles;
    }
}
