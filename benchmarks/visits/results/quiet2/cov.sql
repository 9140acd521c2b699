\set ON_ERROR_STOP on
SELECT visit, detector FROM "DiaSource" WHERE "diaObjectId" IS NOT NULL ORDER BY "midpointMjdTai" DESC LIMIT 1 \gset
SELECT array_agg(DISTINCT "diaObjectId") AS ids, max("midpointMjdTai") - 360 AS start, count(DISTINCT "diaObjectId") AS n FROM "DiaSource" WHERE visit = :visit AND detector = :detector AND "diaObjectId" IS NOT NULL \gset
\echo ids :n
PREPARE r(bigint[], double precision) AS SELECT "diaSourceId", "diaObjectId", "midpointMjdTai", "band", "ra", "dec", "raErr", "decErr", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr" FROM "DiaSource" WHERE "diaObjectId" = ANY($1) AND "midpointMjdTai" > $2;
EXPLAIN (ANALYZE, BUFFERS, SUMMARY) EXECUTE r(:'ids', :start);
EXPLAIN (ANALYZE, BUFFERS, SUMMARY) EXECUTE r(:'ids', :start);
EXPLAIN (ANALYZE, BUFFERS, SUMMARY) EXECUTE r(:'ids', :start);
