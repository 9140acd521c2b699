-- Removes every object the APDB schema creates (apdb init --drop). Only these objects: other tables in the
-- database are left alone.
DROP TABLE IF EXISTS
    "metadata", "DiaObject", "DiaObjectLast", "DiaSource", "DiaForcedSource", "SSObject", "SSSource",
    "DiaObject_To_Object_Match", "DetectorVisitProcessingSummary", "mpc_orbits", "current_identifications",
    "numbered_identifications", "DiaSourcePacked", "DiaForcedSourcePacked", "apdb_visit_detector", "apdb_migrations"
    CASCADE;
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure AS signature
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema()
          AND (p.proname LIKE 'apdb\_%' OR p.proname LIKE 'healpix\_%'
               OR p.proname IN ('dia_objects_in_cone', 'dia_sources_in_cone', 'light_curve'))
    LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', f.signature);
    END LOOP;
END;
$$;
