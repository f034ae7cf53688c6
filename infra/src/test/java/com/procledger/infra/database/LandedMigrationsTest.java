package com.procledger.infra.database;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A migration that has landed is never edited: a database migrated with it would fail Flyway's validation (as V19
 * once did, which is why beforeValidate.sql exists). Every migration is listed with its SHA-256 in
 * {@code src/test/resources/db/landed-migrations.sha256}; a change to a listed one fails here. A new migration is
 * added to the list in the change that adds it ({@code sha256sum V*.sql}), and is frozen from then on.
 */
class LandedMigrationsTest {

    static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    static final Path LIST = Path.of("src/test/resources/db/landed-migrations.sha256");

    @Test
    void noLandedMigrationIsEverEditedAndEveryMigrationIsListed() throws Exception {
        Map<String, String> listed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(LIST)) {
            if (!line.isBlank()) {
                String[] parts = line.strip().split("\\s+", 2);
                listed.put(parts[1], parts[0]);
            }
        }
        Map<String, String> present;
        try (var files = Files.list(MIGRATIONS)) {
            present = files.filter(file -> file.getFileName().toString().matches("V\\d+__.*\\.sql"))
                    .collect(Collectors.toMap(file -> file.getFileName().toString(), LandedMigrationsTest::sha256));
        }
        assertThat(present.keySet()).as("every migration is in " + LIST + " (add a new one with sha256sum)")
                .containsExactlyInAnyOrderElementsOf(listed.keySet());
        present.forEach((name, hash) -> assertThat(hash).as(name + " has landed: add a new migration instead of "
                + "editing it").isEqualTo(listed.get(name)));
    }

    private static String sha256(Path file) {
        try {
            return com.procledger.infra.crypto.Sha256.hexOf(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
