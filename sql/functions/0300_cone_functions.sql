-- Cone searches and light curves for any PostgreSQL client (psql, Python, TOPCAT...): exact results (no false
-- positives, no misses), through the pixelId B-tree indexes, no extension needed.

-- The current DiaObjectLast rows within radius_deg of (ra_deg, dec_deg), degrees.
CREATE OR REPLACE FUNCTION dia_objects_in_cone(ra_deg double precision, dec_deg double precision, radius_deg double precision)
RETURNS SETOF "DiaObjectLast"
LANGUAGE sql STABLE STRICT PARALLEL SAFE ROWS 100
AS $$
    SELECT o.*
    FROM healpix_cone_ranges(ra_deg, dec_deg, radius_deg) AS r
    JOIN "DiaObjectLast" AS o ON o."pixelId" >= r.lo AND o."pixelId" < r.hi
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
    JOIN "DiaSource" AS s ON s."pixelId" >= r.lo AND s."pixelId" < r.hi
    WHERE s."midpointMjdTai" >= mjd_start AND s."midpointMjdTai" <= mjd_end
      AND healpix_angdist_deg(ra_deg, dec_deg, s."ra", s."dec") <= radius_deg;
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
