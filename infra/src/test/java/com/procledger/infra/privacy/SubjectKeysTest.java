package com.procledger.infra.privacy;

import com.procledger.domain.privacy.ErasedSubjects;
import com.procledger.infra.database.EmbeddedDatabase;
import com.procledger.infra.secrets.SecretsKeyset;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The key store of data subjects on the embedded PostgreSQL: wrapped keys, erasure for good, expiry of anonymous keys. */
class SubjectKeysTest {

    static Path dir;
    static EmbeddedDatabase database;
    static HikariDataSource dataSource;
    static JdbcTemplate jdbc;
    static SecretsKeyset keyset;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("subject-keys-");
        database = EmbeddedDatabase.start(dir.resolve("db"));
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(database.jdbcUrl());
        Flyway.configure().dataSource(dataSource).placeholders(Map.of("app_role", "")).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        keyset = SecretsKeyset.open(dir.resolve("keys"), "a passphrase for the test keyset", null);
    }

    @AfterAll
    static void stop() {
        dataSource.close();
        database.close();
    }

    static SubjectKeys keysAt(Instant now) {
        return new SubjectKeys(dataSource, keyset, Clock.fixed(now, ZoneOffset.UTC), Duration.ofDays(30));
    }

    @Test
    void aSealedValueOpensWithTheStoredKeyInAnotherProcessAndNeverAfterItsSubjectIsErased() {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        String subject = UUID.randomUUID().toString();
        var sealer = new Sealer(keysAt(now));
        String sealed = sealer.seal(subject, "Erin Example");
        assertThat(sealed).startsWith("sealed:v1:" + subject + ":").doesNotContain("Erin");
        // the key is wrapped: its row holds no key material a dump could use without the keyset
        byte[] wrapped = jdbc.queryForObject("SELECT wrapped_key FROM subject_keys WHERE subject = ?", byte[].class, subject);
        assertThat(wrapped).isNotEmpty();
        // a fresh process (no cache) opens it from the table
        SubjectKeys restarted = keysAt(now);
        assertThat(new Sealer(restarted).open(sealed)).isEqualTo("Erin Example");

        assertThat(restarted.destroy(subject)).isTrue();
        assertThat(new Sealer(restarted).open(sealed)).isEqualTo(ErasedSubjects.label(subject));
        assertThat(new Sealer(keysAt(now)).open(sealed)).as("another process after the erasure")
                .isEqualTo(ErasedSubjects.label(subject));
        assertThat(jdbc.queryForMap("SELECT wrapped_key, erased_at FROM subject_keys WHERE subject = ?", subject))
                .containsEntry("wrapped_key", null).extractingByKey("erased_at").isNotNull();
        // nothing makes an erased subject a new key: what would be sealed for them is not kept at all
        assertThat(new Sealer(keysAt(now)).seal(subject, "Erin again")).isEqualTo(ErasedSubjects.label(subject));
        assertThat(keysAt(now).destroy(subject)).isFalse();
    }

    @Test
    void unauthenticatedRequestsAreSealedUnderTheDaysKeyWhichIsDeletedAfterTheRetentionPeriod() {
        Instant day = Instant.parse("2027-03-01T12:00:00Z");
        var keys = keysAt(day);
        keys.rollAnonymousKeys();
        String sealed = new Sealer(keys).seal(null, "203.0.113.7");
        assertThat(sealed).startsWith("sealed:v1:anonymous-2027-03-01:");
        assertThat(new Sealer(keysAt(day.plus(Duration.ofDays(30)))).open(sealed)).isEqualTo("203.0.113.7");

        // 30 days after the day ended the key goes, and the address reads as expired
        var later = keysAt(Instant.parse("2027-04-01T00:00:01Z"));
        assertThat(later.rollAnonymousKeys()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM subject_keys WHERE subject = 'anonymous-2027-03-01'",
                Long.class)).isZero();
        assertThat(new Sealer(later).open(sealed)).isEqualTo(ErasedSubjects.EXPIRED);
    }

    @Test
    void aKeyDoesNotOpenUnderAnotherKeysetAndAChangedCiphertextIsRefused() throws Exception {
        Instant now = Instant.parse("2026-12-06T10:00:00Z");
        String subject = UUID.randomUUID().toString();
        String sealed = new Sealer(keysAt(now)).seal(subject, "comment text");
        var otherKeyset = SecretsKeyset.open(Files.createTempDirectory("other-keys-"), "another passphrase", null);
        var stranger = new SubjectKeys(dataSource, otherKeyset, Clock.fixed(now, ZoneOffset.UTC), Duration.ofDays(30));
        assertThatThrownBy(() -> new Sealer(stranger).open(sealed)).isInstanceOf(IllegalStateException.class);

        char last = sealed.charAt(sealed.length() - 2);
        String changed = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        assertThatThrownBy(() -> new Sealer(keysAt(now)).open(changed)).isInstanceOf(IllegalStateException.class);
        assertThat(new String(sealed.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).doesNotContain("comment");
    }

    @Test
    void aLedgerWrittenBeforeSealingIsNotUpgraded() throws Exception {
        Path other = Files.createTempDirectory("old-ledger-");
        try (var old = EmbeddedDatabase.start(other); var source = new HikariDataSource()) {
            source.setJdbcUrl(old.jdbcUrl());
            Flyway.configure().dataSource(source).placeholders(Map.of("app_role", "")).target("24").load().migrate();
            var oldJdbc = new JdbcTemplate(source);
            oldJdbc.execute("""
                    INSERT INTO ledger_events (global_position, tenant_id, ledger_seq, event_id, event_type, occurred_at,
                        metadata, payload, prev_hash, hash)
                    VALUES (1, gen_random_uuid(), 1, 'e1', 'UserRegistered', now(), '{}',
                        '{"email":"ann@example.com","passwordHash":"$2a$12$plaintexthash"}', '\\x00', '\\x00')""");
            assertThatThrownBy(() -> Flyway.configure().dataSource(source).placeholders(Map.of("app_role", ""))
                    .load().migrate()).hasMessageContaining("written before personal data was sealed");
        }
    }
}
