package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"tthc/internal/errs"
	"tthc/internal/page"
)

// keyKind is the type of a sort key, checked when a cursor comes back.
type keyKind int

const (
	textKey keyKind = iota
	intKey
	timeKey // a timestamptz
	numKey  // numeric, e.g. money
)

// sortKey is one sort key: a SQL expression (never user text) and its type.
type sortKey struct {
	expr string
	kind keyKind
}

// ordering is a whitelisted sort: sort keys (all in the same direction)
// with the row id as unique tie-breaker.
type ordering struct {
	name string // stored in cursors, so a cursor is only used with its ordering
	keys []sortKey
	desc bool
}

// exprs returns the SQL expressions of the sort keys followed by idExpr.
func (o ordering) exprs(idExpr string) []string {
	out := make([]string, 0, len(o.keys)+1)
	for _, k := range o.keys {
		out = append(out, k.expr)
	}
	return append(out, idExpr)
}

// cursorKeys returns the SELECT expression that yields a row's sort keys as
// text, to put in its cursor.
func (o ordering) cursorKeys() string {
	parts := make([]string, len(o.keys))
	for i, k := range o.keys {
		switch k.kind {
		case timeKey:
			// timestamptz::text follows the session's TimeZone, which
			// may have an offset such as +05:30 that page() could not
			// read back; UTC in a fixed form does not depend on it.
			parts[i] = `to_char(` + k.expr + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
		default:
			parts[i] = k.expr + "::text"
		}
	}
	return "ARRAY[" + strings.Join(parts, ", ") + "]::text[]"
}

// page validates args for this ordering. Cursor keys must fit the key
// types, so a forged cursor is a user error and not a database error.
func (o ordering) page(args page.Args) (page.Request, error) {
	name := o.name
	if o.desc {
		name += "_desc"
	}
	req, err := args.Parse(name, len(o.keys))
	if err != nil {
		return req, fmt.Errorf("page arguments: %w", err)
	}
	for _, c := range []*page.Cursor{req.After, req.Before} {
		if c == nil {
			continue
		}
		for i, v := range c.Keys {
			var err error
			switch o.keys[i].kind {
			case intKey:
				// The integer keys are int4 expressions (a tier, a
				// length): a larger value would fail in the database.
				_, err = strconv.ParseInt(v, 10, 32)
			case timeKey:
				// Go reads years 0 and offsets up to 24 hours that
				// PostgreSQL refuses; the key goes on in UTC, within
				// the years both accept.
				var t time.Time
				t, err = time.Parse(time.RFC3339Nano, v)
				if t = t.UTC(); err == nil && (t.Year() < 1 || t.Year() > 9999) {
					err = errs.Errorf(errs.Invalid, "time out of range")
				}
				if err == nil {
					c.Keys[i] = t.Format(time.RFC3339Nano)
				}
			case numKey:
				// PostgreSQL writes numeric without an exponent; with one,
				// "1e1000000" would overflow the cast.
				_, err = decimal.NewFromString(v)
				if strings.ContainsAny(v, "eE") {
					err = errs.Errorf(errs.Invalid, "not a numeric")
				}
			}
			if err != nil || strings.ContainsRune(v, 0) {
				return req, errs.Errorf(errs.Invalid, "invalid cursor %q", c.Encode())
			}
		}
	}
	return req, nil
}

// cursor makes the cursor of a row.
func (o ordering) cursor(keys []string, id int64) page.Cursor {
	name := o.name
	if o.desc {
		name += "_desc"
	}
	return page.Cursor{Order: name, Keys: keys, ID: id}
}

// apply adds the keyset conditions of req to w and returns the ORDER BY
// and LIMIT clause. It fetches one row more than asked, to tell whether
// another page follows.
func (o ordering) apply(w *where, req page.Request, idExpr string) string {
	cols := "(" + strings.Join(o.exprs(idExpr), ", ") + ")"
	cmp := func(c *page.Cursor, after bool) {
		vals := make([]any, 0, len(c.Keys)+1)
		ph := make([]string, 0, len(c.Keys)+1)
		for _, k := range c.Keys {
			vals = append(vals, k)
		}
		vals = append(vals, c.ID)
		for _, v := range vals {
			ph = append(ph, w.arg(v))
		}
		op := ">"
		if after == o.desc {
			op = "<"
		}
		w.conds = append(w.conds, fmt.Sprintf("%s %s (%s)", cols, op, strings.Join(ph, ", ")))
	}
	if req.After != nil {
		cmp(req.After, true)
	}
	if req.Before != nil {
		cmp(req.Before, false)
	}
	// Paging backwards reads the list in reverse from the cursor; the
	// caller flips the rows back.
	desc := o.desc != req.Backward
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	parts := make([]string, 0, len(o.keys)+1)
	for _, k := range o.exprs(idExpr) {
		parts = append(parts, k+dir)
	}
	return fmt.Sprintf("ORDER BY %s LIMIT %d", strings.Join(parts, ", "), req.Limit+1)
}

// listPage reads one page of a keyset list: `SELECT columns FROM from`
// with the conditions of w, in ord's order (idExpr the unique
// tie-breaker), each row made a node.
func listPage[R keyed, T any](ctx context.Context, q queryer, ord ordering, args page.Args, w *where,
	columns, from, idExpr string, node func(R) T) (page.Page[T], error) {
	req, err := ord.page(args)
	if err != nil {
		return page.Page[T]{}, fmt.Errorf("%s: %w", from, err)
	}
	if req.Limit == 0 {
		return page.Page[T]{}, nil
	}
	tail := ord.apply(w, req, idExpr)
	rows := make([]R, 0, req.Limit+1)
	if err := sel(ctx, q, &rows, `SELECT `+columns+`, `+ord.cursorKeys()+` AS cursor_keys
		FROM `+from+` `+w.sql()+` `+tail, w.args...); err != nil {
		return page.Page[T]{}, fmt.Errorf("%s: list: %w", from, err)
	}
	return pageOf(rows, req, ord, node), nil
}

// keyed is a row read with its cursor keys (the cursor_keys column).
type keyed interface {
	cursorKeys() (keys []string, id int64)
}

// pageOf makes the page of the rows a statement ordered and limited by
// apply read, each row made a node.
func pageOf[R keyed, T any](rows []R, req page.Request, ord ordering, node func(R) T) page.Page[T] {
	rows, more := trim(rows, req)
	out := page.Page[T]{Info: page.InfoFor(req, more), Edges: make([]page.Edge[T], len(rows))}
	for i, r := range rows {
		keys, id := r.cursorKeys()
		out.Edges[i] = page.Edge[T]{Node: node(r), Cursor: ord.cursor(keys, id)}
	}
	return out
}

// trim cuts the extra row fetched by apply and puts backward pages back in
// order. It returns whether the extra row was there.
func trim[T any](rows []T, req page.Request) ([]T, bool) {
	more := len(rows) > req.Limit
	if more {
		rows = rows[:req.Limit]
	}
	if req.Backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return rows, more
}
