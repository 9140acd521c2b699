#!/usr/bin/env bash
# Cone-search latency over a loaded APDB: dia_objects_in_cone (the pixelId B-tree, no extension) against
# q3c_radial_query (q3c's own index, built here on the same DiaObjectLast rows and dropped afterwards), on the same
# cones, timed by the server in one session. Also counts cones where the two answers differ (must be 0).
# Needs postgresql-<major>-q3c. Loads the `demo` history first when the APDB holds none.
# Usage: benchmarks/cone/run.sh [cones=200]   (the embedded cluster; APDB_HOME picks which one)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cones="${1:-200}"
apdb="$root/apdb"
"$apdb" init >/dev/null
uri="$("$apdb" --json status | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["uri"])')"
psql="psql -X -q -v ON_ERROR_STOP=1 $uri"
if [ "$($psql -At -c 'SELECT count(*) FROM "DiaObjectLast"')" = 0 ]; then
  "$apdb" load-history --preset demo >/dev/null
fi
$psql -At -c "SELECT 'DiaObjectLast rows: ' || count(*) FROM \"DiaObjectLast\""

$psql <<SQL
CREATE EXTENSION IF NOT EXISTS q3c;
DROP INDEX IF EXISTS bench_cone_q3c;
CREATE INDEX bench_cone_q3c ON "DiaObjectLast" (q3c_ang2ipix(ra, dec));
ANALYZE "DiaObjectLast";
CREATE OR REPLACE FUNCTION pg_temp.bench(n integer) RETURNS TABLE (method text, radius_arcsec double precision, median_ms double precision, p90_ms double precision, mean_rows double precision, mismatches integer)
LANGUAGE plpgsql AS \$\$
DECLARE
    r double precision;
    c record;
    t0 timestamptz;
    ours double precision[];
    theirs double precision[];
    rows_ours bigint;
    rows_q3c bigint;
    total bigint;
    bad integer;
BEGIN
    PERFORM setseed(0.42);
    -- Warm both paths (plan caches, the first pages) before timing.
    PERFORM count(*) FROM dia_objects_in_cone(0, 0, 0.01);
    PERFORM count(*) FROM "DiaObjectLast" WHERE q3c_radial_query(ra, dec, 0, 0, 0.01);
    FOREACH r IN ARRAY ARRAY[1.0, 10.0, 60.0, 600.0] LOOP
        ours := '{}'; theirs := '{}'; total := 0; bad := 0;
        -- Centres near real objects (within 30"), so small cones are not all empty.
        FOR c IN SELECT ra + (random() - 0.5) / 60 / greatest(cos(radians(dec)), 0.01) AS ra0, greatest(-90, least(90, dec + (random() - 0.5) / 60)) AS dec0
                 FROM "DiaObjectLast" ORDER BY random() LIMIT n LOOP
            t0 := clock_timestamp();
            SELECT count(*) INTO rows_ours FROM dia_objects_in_cone(c.ra0, c.dec0, r / 3600);
            ours := ours || extract(epoch FROM clock_timestamp() - t0) * 1000;
            t0 := clock_timestamp();
            SELECT count(*) INTO rows_q3c FROM "DiaObjectLast" WHERE q3c_radial_query(ra, dec, c.ra0, c.dec0, r / 3600);
            theirs := theirs || extract(epoch FROM clock_timestamp() - t0) * 1000;
            total := total + rows_ours;
            IF rows_ours <> rows_q3c THEN bad := bad + 1; END IF;
        END LOOP;
        RETURN QUERY SELECT 'apdb dia_objects_in_cone', r, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.9) WITHIN GROUP (ORDER BY x), total::float8 / n, bad FROM unnest(ours) x;
        RETURN QUERY SELECT 'q3c_radial_query', r, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.9) WITHIN GROUP (ORDER BY x), total::float8 / n, bad FROM unnest(theirs) x;
    END LOOP;
END;
\$\$;
\pset format aligned
SELECT method, radius_arcsec, round(median_ms::numeric, 3) AS median_ms, round(p90_ms::numeric, 3) AS p90_ms, round(mean_rows::numeric, 1) AS mean_rows, mismatches FROM pg_temp.bench($cones) ORDER BY radius_arcsec, method;
DROP INDEX bench_cone_q3c;
SQL
