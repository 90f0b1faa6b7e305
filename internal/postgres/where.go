package postgres

import (
	"fmt"
	"strings"
)

// where collects SQL conditions and their positional parameters. Only
// fixed SQL text goes into conds; every value goes through args.
type where struct {
	conds []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

// add appends a condition; %s verbs in cond are replaced by placeholders
// for vals, in order.
func (w *where) add(cond string, vals ...any) {
	ph := make([]any, len(vals))
	for i, v := range vals {
		ph[i] = w.arg(v)
	}
	w.conds = append(w.conds, fmt.Sprintf(cond, ph...))
}

// sql returns the WHERE clause, or "" when there are no conditions.
func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

// likeEscaper escapes the LIKE wildcards, for use with the default
// backslash escape character; made once, as building it cost a search a
// sixth of its allocations.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// escapeLike escapes the LIKE wildcards in s.
func escapeLike(s string) string {
	return likeEscaper.Replace(s)
}
