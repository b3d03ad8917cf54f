package sqlstore

import (
	"context"
	"database/sql"
)

// CatalogVersion returns the version of the catalog: the case types and
// the versions of their terms. Every write of a case type
// ([CaseTypes.Put]) or of a terms version ([Terms.AddVersion]), by any
// process, raises it in the same transaction as the write. So case types
// and terms read after CatalogVersion answered n are at least as new as
// n, and a process may keep them, and answer from them, for as long as
// CatalogVersion answers n: one small read instead of the reads it
// saves. Acceptances of terms do not change it: they are only ever
// added, so an acceptance once found stays found (not finding one must
// still be asked again).
func (s *Stores) CatalogVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.scanRow(ctx, s.db, "SELECT version FROM catalog_version WHERE id = 1", nil, &v)
	return v, wrap("reading the catalog's version", err)
}

// bumpCatalog raises the catalog's version in tx, the transaction of a
// write of the catalog.
func (s *Stores) bumpCatalog(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, s.q("UPDATE catalog_version SET version = version + 1 WHERE id = 1"))
	return err
}
