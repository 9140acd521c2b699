-- Migration 0013: the detector-visit registry (not part of Rubin's schema). One row per stored detector-visit,
-- written in the same transaction as its objects and sources, so a row here means the whole store committed.
CREATE TABLE "apdb_visit_detector" (
    "visit" bigint NOT NULL,
    "detector" smallint NOT NULL,
    "visitMjdTai" double precision NOT NULL,
    "nDiaObjects" integer NOT NULL,
    "nDiaSources" integer NOT NULL,
    "nDiaForcedSources" integer NOT NULL,
    "storedAt" timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT "PK_apdb_visit_detector" PRIMARY KEY ("visit", "detector")
);
