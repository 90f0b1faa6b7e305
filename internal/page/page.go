// Package page holds cursor pagination arguments and opaque cursors, shared
// by every connection of the API. Pagination is keyset-based: a cursor
// carries the sort key values and the unique id of a row, never an offset.
package page

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"tthc/internal/errs"
)

const (
	// DefaultSize is the page size when neither first nor last is given.
	DefaultSize = 20
	// MaxSize caps first and last; larger values are refused, not clipped,
	// so a client never silently gets less than it asked for.
	MaxSize = 100
)

// Cursor points at one row of an ordered list.
type Cursor struct {
	Order string   `json:"o"` // the ordering the cursor was made for
	Keys  []string `json:"k"` // sort key values, as text
	ID    int64    `json:"i"` // the unique tie-breaker
}

// Encode returns the opaque text form of c.
func (c Cursor) Encode() string {
	b, _ := json.Marshal(c) // cannot fail: strings and an int
	return base64.RawURLEncoding.EncodeToString(b)
}

// maxCursorLen bounds the text of a cursor: the longest sort key is a
// procedure's name, a few hundred characters.
const maxCursorLen = 8192

// Decode parses an opaque cursor made for the ordering order. Only what
// Encode writes is read: a cursor has one spelling, and no sort key holds
// a NUL, which no column of the database can.
func Decode(s, order string, nkeys int) (*Cursor, error) {
	var c Cursor
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err == nil && len(s) <= maxCursorLen {
		err = json.Unmarshal(b, &c)
	} else if err == nil {
		err = errors.New("too long")
	}
	if err != nil || c.ID <= 0 || len(c.Keys) != nkeys || c.Encode() != s ||
		slices.ContainsFunc(c.Keys, func(k string) bool { return strings.ContainsRune(k, 0) }) {
		return nil, errs.Errorf(errs.Invalid, "invalid cursor %q", truncate(s))
	}
	if c.Order != order {
		return nil, errs.Errorf(errs.Invalid, "cursor %q was made for another ordering", truncate(s))
	}
	return &c, nil
}

// truncate shortens a cursor to quote in a message.
func truncate(s string) string {
	if len(s) > 100 {
		return s[:100] + "..."
	}
	return s
}

// Args are the Relay connection arguments as a client sent them.
type Args struct {
	First  *int
	After  *string
	Last   *int
	Before *string

	// Hints from the API layer, which knows what the client selected,
	// that let a store do less work. They never change which rows come
	// back or in what order.
	//
	// Summary: the reader shows none of the long texts of a row (for a
	// procedure its steps, requirements, result and raw page text), so
	// the store may leave them empty.
	Summary bool
	// WithTotal: the reader wants the number of all matching rows too; a
	// store that can count them in the statement that reads the page sets
	// Page.Total.
	WithTotal bool
}

// Request is a validated page request.
type Request struct {
	Limit    int
	Backward bool // paging with last/before: the rows before Before
	After    *Cursor
	Before   *Cursor
}

// Parse validates args for a list sorted by order with nkeys sort keys.
func (a Args) Parse(order string, nkeys int) (Request, error) {
	r := Request{Limit: DefaultSize}
	if a.First != nil && a.Last != nil {
		return r, errs.Errorf(errs.Invalid, "pass either first or last, not both")
	}
	for name, n := range map[string]*int{"first": a.First, "last": a.Last} {
		if n != nil && (*n < 0 || *n > MaxSize) {
			return r, errs.Fieldf(name, "%s must be between 0 and %d, got %d", name, MaxSize, *n)
		}
	}
	switch {
	case a.First != nil:
		r.Limit = *a.First
	case a.Last != nil:
		r.Limit = *a.Last
		r.Backward = true
	case a.Before != nil && a.After == nil:
		r.Backward = true
	}
	var err error
	if a.After != nil {
		if r.After, err = Decode(*a.After, order, nkeys); err != nil {
			return r, err
		}
	}
	if a.Before != nil {
		if r.Before, err = Decode(*a.Before, order, nkeys); err != nil {
			return r, err
		}
	}
	return r, nil
}

// Info is what a connection reports about the page it returned.
type Info struct {
	HasNextPage     bool
	HasPreviousPage bool
}

// InfoFor tells the page info of a page fetched with limit+1 rows: more
// says whether the extra row came back.
func InfoFor(r Request, more bool) Info {
	if r.Backward {
		// Rows after Before exist by construction of the cursor.
		return Info{HasPreviousPage: more, HasNextPage: r.Before != nil}
	}
	return Info{HasNextPage: more, HasPreviousPage: r.After != nil}
}

// Edge is one row of a page with the cursor that points at it.
type Edge[T any] struct {
	Node   T
	Cursor Cursor
}

// Page is one page of a connection.
type Page[T any] struct {
	Edges []Edge[T]
	Info  Info
	// Total is the number of all matching rows, when the store counted
	// them with the page (Args.WithTotal); nil otherwise.
	Total *int
}
