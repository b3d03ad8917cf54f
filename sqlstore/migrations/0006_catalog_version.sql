-- The catalog's version: a number that every write of a case type or of
-- a terms version raises in its own transaction, so that a process may
-- keep case types and terms it read for as long as the number it read
-- before them stays the same (Stores.CatalogVersion).
CREATE TABLE catalog_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 0);
