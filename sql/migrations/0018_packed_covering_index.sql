-- Migration 0018: the packed tables' pixelId indexes also carry the two columns the preload's region read takes
-- besides the key: "midpointMjdTai" (its window filter) and "packed" (its one output column). The region read
-- (ApdbStore.InRegionAsync) is then an index-only scan wherever the visibility map marks the page all-visible: a
-- history load's pages (COPY FREEZE) and every page a vacuum has passed. A packed row is ~360 bytes for DiaSource and
-- ~100 for DiaForcedSource, well under an index tuple's limit. The key stays "pixelId" alone, so every other use of
-- the index is unchanged; the index is about as large as its table. Figures: benchmarks/RESULTS.md, "The preload as
-- an index-only scan". Rebuilding it on an existing APDB rebuilds it on every month.
DROP INDEX IF EXISTS "IDX_DiaSourcePacked_pixelId";
CREATE INDEX "IDX_DiaSourcePacked_pixelId" ON "DiaSourcePacked" ("pixelId") INCLUDE ("midpointMjdTai", "packed");
DROP INDEX IF EXISTS "IDX_DiaForcedSourcePacked_pixelId";
CREATE INDEX "IDX_DiaForcedSourcePacked_pixelId" ON "DiaForcedSourcePacked" ("pixelId") INCLUDE ("midpointMjdTai", "packed");
