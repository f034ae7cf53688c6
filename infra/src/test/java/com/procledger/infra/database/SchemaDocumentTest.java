package com.procledger.infra.database;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/schema.sql} is the schema the migrations build, in one file a reader can take in: this test migrates
 * a fresh database, renders its schema from the catalog (tables, constraints, indexes, views, triggers, functions,
 * row-level security, comments) in a stable order, and fails when the file says otherwise. After a new migration:
 * {@code mvn -pl infra test -Dtest=SchemaDocumentTest -Dschema.write=true}, and commit the file with it.
 */
class SchemaDocumentTest {

    static final Path DOCUMENT = Path.of("../docs/schema.sql");

    @TempDir
    Path dataDir;

    @Test
    void theSchemaDocumentIsWhatTheMigrationsBuild() throws Exception {
        String rendered;
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir);
             HikariDataSource owner = new HikariDataSource()) {
            owner.setJdbcUrl(database.jdbcUrl());
            Flyway.configure().dataSource(owner).placeholders(Map.of("app_role", "")).load().migrate();
            rendered = render(new JdbcTemplate(owner));
        }
        if (Boolean.getBoolean("schema.write")) {
            Files.writeString(DOCUMENT, rendered);
        }
        assertThat(Files.exists(DOCUMENT)).as(DOCUMENT + " exists").isTrue();
        assertThat(Files.readString(DOCUMENT)).as("docs/schema.sql is out of step with the migrations; regenerate it: "
                + "mvn -pl infra test -Dtest=SchemaDocumentTest -Dschema.write=true").isEqualTo(rendered);
    }

    static String render(JdbcTemplate jdbc) {
        var out = new StringBuilder("""
                -- The schema the Flyway migrations (infra/src/main/resources/db/migration) build, rendered from the
                -- database catalog in a stable order. Generated: do not edit; SchemaDocumentTest keeps it in step.
                -- Grants to the service's role are not shown (afterMigrate.sql and the migrations before V21 give them).
                """);
        String schemas = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg_temp%'"
                + " AND n.nspname NOT LIKE 'pg_toast_temp%'";
        for (String schema : jdbc.queryForList("SELECT n.nspname FROM pg_namespace n WHERE " + schemas
                + " AND n.nspname <> 'public' ORDER BY 1", String.class)) {
            out.append("\nCREATE SCHEMA ").append(schema).append(";\n");
        }
        List<Map<String, Object>> tables = jdbc.queryForList("SELECT c.oid, n.nspname, c.relname, c.relrowsecurity, "
                + "c.relforcerowsecurity, obj_description(c.oid, 'pg_class') AS note FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND " + schemas
                + " AND c.relname <> 'flyway_schema_history' ORDER BY n.nspname, c.relname");
        for (Map<String, Object> table : tables) {
            Object oid = table.get("oid");
            String name = table.get("nspname") + "." + table.get("relname");
            out.append("\nCREATE TABLE ").append(name).append(" (\n");
            List<String> lines = new java.util.ArrayList<>(jdbc.queryForList("""
                    SELECT '    ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                           || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
                           || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""", String.class, oid));
            lines.addAll(jdbc.queryForList("SELECT '    CONSTRAINT ' || conname || ' ' || pg_get_constraintdef(oid) "
                    + "FROM pg_constraint WHERE conrelid = ? ORDER BY conname", String.class, oid));
            out.append(String.join(",\n", lines)).append("\n);\n");
            if (table.get("note") != null) {
                out.append("COMMENT ON TABLE ").append(name).append(" IS '")
                        .append(table.get("note").toString().replace("'", "''")).append("';\n");
            }
            for (String index : jdbc.queryForList("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    + "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ? AND NOT EXISTS "
                    + "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname", String.class, oid)) {
                out.append(index).append(";\n");
            }
            for (String trigger : jdbc.queryForList("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = ? "
                    + "AND NOT tgisinternal ORDER BY tgname", String.class, oid)) {
                out.append(trigger).append(";\n");
            }
            if (Boolean.TRUE.equals(table.get("relrowsecurity"))) {
                out.append("ALTER TABLE ").append(name).append(" ENABLE ROW LEVEL SECURITY;\n");
            }
            if (Boolean.TRUE.equals(table.get("relforcerowsecurity"))) {
                out.append("ALTER TABLE ").append(name).append(" FORCE ROW LEVEL SECURITY;\n");
            }
            for (String policy : jdbc.queryForList("""
                    SELECT 'CREATE POLICY ' || policyname || ' ON ' || schemaname || '.' || tablename
                           || ' AS ' || permissive || ' FOR ' || cmd || ' TO ' || array_to_string(roles, ', ')
                           || coalesce(' USING (' || qual || ')', '') || coalesce(' WITH CHECK (' || with_check || ')', '')
                    FROM pg_policies WHERE schemaname = ? AND tablename = ? ORDER BY policyname""", String.class,
                    table.get("nspname"), table.get("relname"))) {
                out.append(policy).append(";\n");
            }
        }
        for (Map<String, Object> view : jdbc.queryForList("SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) AS def, "
                + "c.reloptions::text AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind = 'v' AND " + schemas + " ORDER BY n.nspname, c.relname")) {
            out.append("\nCREATE VIEW ").append(view.get("nspname")).append('.').append(view.get("relname"))
                    .append(view.get("options") == null ? "" : " WITH " + view.get("options").toString()
                            .replace('{', '(').replace('}', ')'))
                    .append(" AS\n").append(view.get("def").toString().stripTrailing()).append("\n");
        }
        for (String function : jdbc.queryForList("SELECT pg_get_functiondef(p.oid) FROM pg_proc p "
                + "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + schemas + " AND p.prokind = 'f' "
                + "ORDER BY n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)", String.class)) {
            out.append('\n').append(function.stripTrailing()).append(";\n");
        }
        return out.toString();
    }
}
