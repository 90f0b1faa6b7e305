package postgres

import (
	"context"
	"fmt"
)

// CatalogVersionChannel is the channel on which every change of the
// public catalog announces its new version (migration 00009: triggers
// bump the version in the changing transaction and NOTIFY it, delivered
// at commit; the payload is the version in decimal).
const CatalogVersionChannel = "catalog_version"

// CatalogVersion returns the version of the public catalog as the database
// that ctx reads from sees it (see ReadFromReplica). Read it before the
// data it labels: under READ COMMITTED, every statement run afterwards
// sees at least this version, so a response labelled with it is never
// older than its label.
func (d *DB) CatalogVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := get(ctx, d.db, &v, `SELECT version FROM catalog_version`); err != nil {
		return 0, fmt.Errorf("read the catalog version: %w", err)
	}
	return v, nil
}
