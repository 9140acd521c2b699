-- Migration 0014: record the schema version the way Rubin's APDB does, in the metadata table.
INSERT INTO "metadata" ("name", "value") VALUES
    ('version:schema', '10.0.0'),
    ('apdb:engine', 'apdb-dotnet'),
    ('apdb:pixelization', 'HEALPix NESTED depth 29 in pixelId'),
    ('apdb:timePartitionDays', '30')
ON CONFLICT ("name") DO NOTHING;
