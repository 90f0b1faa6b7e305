// Package errs is the application's error type: a stable code and a message
// that is safe to show to the caller. The edges (GraphQL, HTTP, CLI) map the
// codes to their own terms; an error without a code is internal and is
// logged, never shown.
package errs

import (
	"errors"
	"fmt"
)

// Codes are part of the API contract (GraphQL extensions.code): never
// rename one.
const (
	Invalid         = "BAD_USER_INPUT"
	NotFound        = "NOT_FOUND"
	Conflict        = "CONFLICT"
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	Internal        = "INTERNAL"
)

// Error is a failure the caller can act on.
type Error struct {
	Code    string
	Field   string // the input field at fault, if any
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Fieldf returns an Invalid *Error that points at an input field.
func Fieldf(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Code returns the code of err, or Internal for errors that carry none.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
