-- Least privilege (apdb init, after the migrations): the owner role owns every APDB table, partition and function;
-- the writer may read and change rows, create temporary staging tables and create partitions through
-- apdb_ensure_partitions; the reader may only read. Idempotent: every statement states the end result.
--
-- The migrator passes the role names and the APDB's objects as transaction-local settings:
-- apdb.owner_role, apdb.writer_role, apdb.reader_role, apdb.tables and apdb.functions (comma-separated names).
DO $$
DECLARE
    owner_role text := current_setting('apdb.owner_role');
    writer_role text := current_setting('apdb.writer_role');
    reader_role text := current_setting('apdb.reader_role');
    apdb_tables text[] := string_to_array(current_setting('apdb.tables'), ',');
    apdb_functions text[] := string_to_array(current_setting('apdb.functions'), ',');
    schema_oid oid := (SELECT oid FROM pg_namespace WHERE nspname = current_schema());
    r record;
BEGIN
    -- The owner may own objects in the schema (ALTER ... OWNER TO requires it) and run migrations there.
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO %I', current_schema(), owner_role);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I, %I', current_schema(), writer_role, reader_role);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), writer_role);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), reader_role);

    -- The APDB's tables and their partitions, whoever created them (a database from before the roles existed, a
    -- partition a superuser's history load created).
    FOR r IN
        SELECT c.oid::regclass AS rel, c.relname, pg_get_userbyid(c.relowner) AS owner
        FROM pg_class c
        WHERE c.relnamespace = schema_oid AND c.relkind IN ('r', 'p')
          AND (c.relname = ANY (apdb_tables)
               OR EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                          WHERE i.inhrelid = c.oid AND p.relname = ANY (apdb_tables)))
    LOOP
        IF r.owner <> owner_role THEN
            EXECUTE format('ALTER TABLE %s OWNER TO %I', r.rel, owner_role);
        END IF;
        EXECUTE format('REVOKE ALL ON %s FROM %I, %I', r.rel, writer_role, reader_role);
        EXECUTE format('GRANT SELECT ON %s TO %I, %I', r.rel, writer_role, reader_role);
        IF r.relname <> 'apdb_migrations' THEN
            EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO %I', r.rel, writer_role);
        END IF;
    END LOOP;

    -- Partitions that apdb_ensure_partitions creates later belong to the owner and get the same rights.
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT ON TABLES TO %I', owner_role, current_schema(), reader_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner_role, current_schema(), writer_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I', owner_role, current_schema(), writer_role);

    FOR r IN
        SELECT p.oid::regprocedure AS fn, p.proname, pg_get_userbyid(p.proowner) AS owner
        FROM pg_proc p
        WHERE p.pronamespace = schema_oid AND p.proname = ANY (apdb_functions)
    LOOP
        IF r.owner <> owner_role THEN
            EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.fn, owner_role);
        END IF;
        IF r.proname = 'apdb_ensure_partitions' THEN
            -- Creating a partition needs ownership of the parent table: the writer gets it only through this
            -- function, which runs as the owner with a search path that no caller's temporary objects can shadow.
            EXECUTE format('ALTER FUNCTION %s SECURITY DEFINER SET search_path = %I, pg_temp', r.fn, current_schema());
            EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC, %I', r.fn, reader_role);
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', r.fn, writer_role);
        ELSE
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I, %I', r.fn, writer_role, reader_role);
        END IF;
    END LOOP;
END;
$$;
