-- Migration 0017: Rubin's IDX_DiaSource_diaObjectId, the same key, now also carrying the columns the store's summary
-- reload reads (ApdbStore.SummaryColumns, less the key). Each store re-reads, under its objects' locks, those columns
-- of every DiaSource of its objects in the 12-month window; with them in the index that is an index-only scan instead
-- of one heap page of a ~100-column row a source. The index is ~4.5x larger (184 MB against ~40 MB on fov):
-- benchmarks/RESULTS.md, "The summary reload's index". Rebuilding it on an existing APDB rebuilds it on every month.
DROP INDEX IF EXISTS "IDX_DiaSource_diaObjectId";
CREATE INDEX "IDX_DiaSource_diaObjectId" ON "DiaSource" ("diaObjectId")
    INCLUDE ("diaSourceId", "midpointMjdTai", "band", "ra", "dec", "raErr", "decErr", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr");
