// Package errs is the application's error type: a kind, the field at
// fault and a message that is safe to show to the caller. Kinds are the
// domain's own vocabulary; each edge (GraphQL, HTTP, CLI) maps them to its
// terms (graph/errors.go has the GraphQL codes). An error without a kind
// is internal: logged, never shown.
package errs

import (
	"errors"
	"fmt"
)

// Kind says what went wrong, in terms a caller can act on.
type Kind string

const (
	// Internal is a fault of ours: logged, shown as "internal error".
	// Every error that is not an *Error is Internal.
	Internal Kind = "internal"
	// Invalid input: the caller must change what they sent.
	Invalid Kind = "invalid"
	// NotFound: what the caller named does not exist, or they may not see
	// it (the two answer alike, so nobody learns what exists).
	NotFound Kind = "not_found"
	// Conflict with the current state, such as a stale version: reload
	// and retry.
	Conflict Kind = "conflict"
	// Unauthenticated: no valid credentials.
	Unauthenticated Kind = "unauthenticated"
	// Forbidden: valid credentials without the right.
	Forbidden Kind = "forbidden"
	// Unavailable: a service we depend on (the database) is down or
	// restarting; the same request may succeed later.
	Unavailable Kind = "unavailable"
	// Timeout: the work ran out of time and was cancelled.
	Timeout Kind = "timeout"
)

// Error is a failure of a known kind.
type Error struct {
	Kind Kind
	// Field is the input field at fault, if any, named in the terms of
	// the code that raised the error, relative to what it was given
	// ("title", "before.fee", "procedure"); the edge maps it to its own
	// path (GraphQL: "input.procedureId").
	Field   string
	Message string // safe to show
	Err     error  // the cause, for logs; never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// At returns a copy of e that points at field.
func (e *Error) At(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// Errorf returns an *Error of kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Fieldf returns an Invalid *Error that points at an input field.
func Fieldf(field, format string, args ...any) *Error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, or Internal for errors that carry none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
