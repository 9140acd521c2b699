-- Creates the 30-day time partitions of DiaSource and DiaForcedSource, and of their packed preload companions
-- (migration 0016), that cover [mjd_start, mjd_end].
-- Partition k holds midpointMjdTai in [30k, 30(k+1)) and is named like "DiaSource_m2001".
-- Concurrent callers serialise on an advisory lock, so two workers never race to create the same partition.
CREATE OR REPLACE FUNCTION apdb_ensure_partitions(mjd_start double precision, mjd_end double precision)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    k bigint;
    created integer := 0;
    tbl text;
    part text;
BEGIN
    IF mjd_start IS NULL OR mjd_end IS NULL OR mjd_start = 'NaN'::float8 OR mjd_end = 'NaN'::float8
       OR mjd_start = 'Infinity'::float8 OR mjd_start = '-Infinity'::float8
       OR mjd_end = 'Infinity'::float8 OR mjd_end = '-Infinity'::float8 THEN
        RAISE EXCEPTION 'apdb_ensure_partitions: MJD range [%, %] is not finite', mjd_start, mjd_end;
    END IF;
    IF mjd_end - mjd_start > 30 * 1200 THEN
        RAISE EXCEPTION 'apdb_ensure_partitions: MJD range [%, %] spans more than 100 years', mjd_start, mjd_end;
    END IF;
    PERFORM pg_advisory_xact_lock(4242001);
    FOR k IN floor(mjd_start / 30)::bigint .. floor(mjd_end / 30)::bigint LOOP
        FOREACH tbl IN ARRAY ARRAY['DiaSource', 'DiaForcedSource', 'DiaSourcePacked', 'DiaForcedSourcePacked'] LOOP
            part := tbl || '_m' || k::text;
            IF to_regclass(format('%I', part)) IS NULL THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                               part, tbl, (k * 30)::float8, ((k + 1) * 30)::float8);
                created := created + 1;
            END IF;
        END LOOP;
    END LOOP;
    RETURN created;
END;
$$;
