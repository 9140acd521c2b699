-- Cone searches and light curves for any PostgreSQL client (psql, Python, TOPCAT...): exact results (no false
-- positives, no misses), through the pixelId B-tree indexes, no extension needed.
--
-- Each pixel range is probed by its own index scan: the range conditions sit in a LATERAL subquery that OFFSET 0 keeps
-- from being flattened. A plain join lets the planner, which cannot see that the ranges are narrow, push the distance
-- test into a sequential scan of the whole table (150 ms instead of 0.3 ms on 50k rows).

-- The current DiaObjectLast rows within radius_deg of (ra_deg, dec_deg), degrees.
CREATE OR REPLACE FUNCTION dia_objects_in_cone(ra_deg double precision, dec_deg double precision, radius_deg double precision)
RETURNS SETOF "DiaObjectLast"
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
AS $$
    SELECT o.*
    FROM healpix_cone_ranges(ra_deg, dec_deg, radius_deg) AS r
    CROSS JOIN LATERAL (
        SELECT * FROM "DiaObjectLast" AS x WHERE x."pixelId" >= r.lo AND x."pixelId" < r.hi OFFSET 0
    ) AS o
    WHERE healpix_angdist_deg(ra_deg, dec_deg, o."ra", o."dec") <= radius_deg;
$$;

-- The DiaSource rows within radius_deg of (ra_deg, dec_deg) with mjd_start <= midpointMjdTai <= mjd_end.
CREATE OR REPLACE FUNCTION dia_sources_in_cone(ra_deg double precision, dec_deg double precision, radius_deg double precision,
                                               mjd_start double precision, mjd_end double precision)
RETURNS SETOF "DiaSource"
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 1000
AS $$
    SELECT s.*
    FROM healpix_cone_ranges(ra_deg, dec_deg, radius_deg) AS r
    CROSS JOIN LATERAL (
        SELECT * FROM "DiaSource" AS x
        WHERE x."pixelId" >= r.lo AND x."pixelId" < r.hi AND x."midpointMjdTai" >= mjd_start AND x."midpointMjdTai" <= mjd_end
        OFFSET 0
    ) AS s
    WHERE healpix_angdist_deg(ra_deg, dec_deg, s."ra", s."dec") <= radius_deg;
$$;

-- One DiaObject's light curve: its DiaSources (kind 'source') and DiaForcedSources (kind 'forced') in time order.
CREATE OR REPLACE FUNCTION light_curve(dia_object_id bigint)
RETURNS TABLE (
    kind text,
    id bigint,
    "midpointMjdTai" double precision,
    band char(1),
    "psfFlux" real,
    "psfFluxErr" real,
    "scienceFlux" real,
    "scienceFluxErr" real,
    visit bigint,
    detector smallint)
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 200
AS $$
    SELECT * FROM (
        SELECT 'source'::text, s."diaSourceId", s."midpointMjdTai", s.band, s."psfFlux", s."psfFluxErr", s."scienceFlux",
               s."scienceFluxErr", s.visit, s.detector
        FROM "DiaSource" AS s WHERE s."diaObjectId" = dia_object_id
        UNION ALL
        SELECT 'forced'::text, f."diaForcedSourceId", f."midpointMjdTai", f.band, f."psfFlux", f."psfFluxErr", f."scienceFlux",
               f."scienceFluxErr", f.visit, f.detector
        FROM "DiaForcedSource" AS f WHERE f."diaObjectId" = dia_object_id
    ) AS lc
    ORDER BY 3, 1 DESC, 2;
$$;
