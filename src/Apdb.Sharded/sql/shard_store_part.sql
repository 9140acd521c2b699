-- On every shard of a sharded APDB: one row per part of a cross-shard store, written in that part's prepared
-- transaction. A committed row is the proof that the store's commit decision was taken, so a part left prepared by a
-- crash is committed when any shard holds its row and rolled back otherwise. Idempotent.
CREATE TABLE IF NOT EXISTS apdb_store_part (
    gid text NOT NULL,
    "storedAt" timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT "PK_apdb_store_part" PRIMARY KEY (gid)
);
DO $$
DECLARE
    writer_role text := current_database() || '_writer';
    reader_role text := current_database() || '_reader';
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer_role) THEN
        EXECUTE format('GRANT SELECT, INSERT ON apdb_store_part TO %I', writer_role);
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader_role) THEN
        EXECUTE format('GRANT SELECT ON apdb_store_part TO %I', reader_role);
    END IF;
END;
$$;
