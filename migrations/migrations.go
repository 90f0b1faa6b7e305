// Package migrations embeds the plain SQL migrations, applied in order by
// goose. They are forward-only in production.
package migrations

import "embed"

//go:embed *.sql
var FS embed.FS
