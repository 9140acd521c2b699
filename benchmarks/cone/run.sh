#!/usr/bin/env bash
# Cone-search latency: dia_objects_in_cone (pixelId B-tree, no extension) against q3c_radial_query (q3c's own index)
# on the same rows and the same cones, timed by the server in one run. Needs postgresql-15-q3c.
# Usage: benchmarks/cone/run.sh [rows=1000000] [cones=300]   (uses the embedded cluster, or --db via APDB_DB)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rows="${1:-1000000}"
cones="${2:-300}"
apdb="$root/apdb"
"$apdb" init >/dev/null
uri="$("$apdb" --json status | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["uri"])')"
psql="psql -X -q -v ON_ERROR_STOP=1 $uri"

$psql <<SQL
CREATE EXTENSION IF NOT EXISTS q3c;
DROP TABLE IF EXISTS bench_cone;
-- ~100 deg^2 around (150, 2): 10,000 objects per deg^2 at 1e6 rows (Rubin's DiaObject density is of this order).
CREATE TABLE bench_cone AS
SELECT i AS id, 145 + random() * 10 AS ra, -3 + random() * 10 AS dec FROM generate_series(1, $rows) AS i;
ALTER TABLE bench_cone ADD COLUMN "pixelId" bigint;
UPDATE bench_cone SET "pixelId" = healpix_nested_hash(29, ra, dec);
CREATE INDEX ON bench_cone ("pixelId");
CREATE INDEX ON bench_cone (q3c_ang2ipix(ra, dec));
VACUUM ANALYZE bench_cone;
SQL

$psql <<SQL
CREATE OR REPLACE FUNCTION pg_temp.bench(n integer) RETURNS TABLE (method text, radius_arcsec double precision, median_ms double precision, p90_ms double precision, mean_rows double precision, mismatches integer)
LANGUAGE plpgsql AS \$\$
DECLARE
    r double precision;
    ra0 double precision;
    dec0 double precision;
    t0 timestamptz;
    ours double precision[];
    theirs double precision[];
    rows_ours bigint;
    rows_q3c bigint;
    total bigint;
    bad integer;
BEGIN
    PERFORM setseed(0.42);
    FOREACH r IN ARRAY ARRAY[1.0, 10.0, 60.0, 600.0] LOOP
        ours := '{}'; theirs := '{}'; total := 0; bad := 0;
        FOR i IN 1 .. n LOOP
            ra0 := 146 + random() * 8; dec0 := -2 + random() * 8;
            t0 := clock_timestamp();
            SELECT count(*) INTO rows_ours FROM healpix_cone_ranges(ra0, dec0, r / 3600) AS c
                JOIN bench_cone AS o ON o."pixelId" >= c.lo AND o."pixelId" < c.hi
                WHERE healpix_angdist_deg(ra0, dec0, o.ra, o.dec) <= r / 3600;
            ours := ours || extract(epoch FROM clock_timestamp() - t0) * 1000;
            t0 := clock_timestamp();
            SELECT count(*) INTO rows_q3c FROM bench_cone WHERE q3c_radial_query(ra, dec, ra0, dec0, r / 3600);
            theirs := theirs || extract(epoch FROM clock_timestamp() - t0) * 1000;
            total := total + rows_ours;
            IF rows_ours <> rows_q3c THEN bad := bad + 1; END IF;
        END LOOP;
        RETURN QUERY SELECT 'apdb', r, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.9) WITHIN GROUP (ORDER BY x), total::float8 / n, bad FROM unnest(ours) x;
        RETURN QUERY SELECT 'q3c', r, percentile_cont(0.5) WITHIN GROUP (ORDER BY x), percentile_cont(0.9) WITHIN GROUP (ORDER BY x), total::float8 / n, bad FROM unnest(theirs) x;
    END LOOP;
END;
\$\$;
\pset format aligned
SELECT method, radius_arcsec, round(median_ms::numeric, 3) AS median_ms, round(p90_ms::numeric, 3) AS p90_ms, round(mean_rows::numeric, 1) AS mean_rows, mismatches FROM pg_temp.bench($cones) ORDER BY radius_arcsec, method;
SQL
$psql -c "DROP TABLE bench_cone"
