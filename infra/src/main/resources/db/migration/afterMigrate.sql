-- Flyway runs this after every migrate. The application role's privileges on tables that migrations add, written
-- once here instead of in each migration: a table the role cannot read yet gets SELECT, INSERT, UPDATE, DELETE, or
-- exactly what its comment names in a line "app privileges: SELECT, INSERT" (an append-only table, say); a view
-- gets SELECT. Tables granted by the migrations before V21 keep exactly what those granted (ApplicationRoleTest).
DO $$
DECLARE
    app_role TEXT := '${app_role}';
    t RECORD;
    privileges TEXT;
BEGIN
    IF app_role = '' OR NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app_role) OR app_role = current_user THEN
        RETURN;
    END IF;
    FOR t IN SELECT c.oid, c.relname, c.relkind, coalesce(obj_description(c.oid, 'pg_class'), '') AS note
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v')
               AND NOT has_table_privilege(app_role, c.oid, 'SELECT')
    LOOP
        IF t.relkind = 'v' THEN
            privileges := 'SELECT';
        ELSE
            privileges := coalesce(substring(t.note FROM 'app privileges: ([A-Z]+(, [A-Z]+)*)'),
                                   'SELECT, INSERT, UPDATE, DELETE');
        END IF;
        IF privileges !~ '^(SELECT|INSERT|UPDATE|DELETE|TRUNCATE)(, (SELECT|INSERT|UPDATE|DELETE|TRUNCATE))*$' THEN
            RAISE EXCEPTION 'table % names privileges it may not have: %', t.relname, privileges;
        END IF;
        EXECUTE format('GRANT %s ON %I TO %I', privileges, t.relname, app_role);
    END LOOP;
END
$$;
