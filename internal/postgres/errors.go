package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"tthc/internal/errs"
)

// Errors leave this package in the domain's vocabulary: each function
// wraps what it returns with what it was doing, and PostgreSQL's
// conditions become kinds of internal/errs here, so that no caller needs
// to know lib/pq. The statement helpers (sel, get, exec, inTx) pass every
// error through dbError; code that reads rows itself must too.

// dbError gives a database error its kind, keeping it as the cause: a
// cancelled statement (statement_timeout, or the request's deadline) is
// a Timeout, a lost or refused connection Unavailable. Other errors pass
// through: they are internal.
func dbError(err error) error {
	var e *errs.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	var pqErr *pq.Error
	switch {
	case errors.As(err, &pqErr):
		switch {
		case pqErr.Code == pqerror.QueryCanceled:
			return &errs.Error{Kind: errs.Timeout, Message: "the statement took too long and was cancelled", Err: err}
		case pqErr.Code.Class() == pqerror.ClassConnectionException,
			pqErr.Code == pqerror.AdminShutdown, pqErr.Code == pqerror.CrashShutdown,
			pqErr.Code == pqerror.CannotConnectNow, pqErr.Code == pqerror.TooManyConnections:
			return unavailable(err)
		}
	case errors.Is(err, context.DeadlineExceeded):
		return &errs.Error{Kind: errs.Timeout, Message: "the statement took too long and was cancelled", Err: err}
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return unavailable(err)
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return unavailable(err)
	}
	return err
}

func unavailable(err error) error {
	return &errs.Error{Kind: errs.Unavailable, Message: "the database is unavailable", Err: err}
}

// dataError turns a database refusal of bad data (a check or key
// violation, a value out of range, an index entry too large) into an
// Invalid error that names the constraint, for writes of what a caller
// sent; other errors pass through.
func dataError(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case pqerror.ClassDataException, pqerror.ClassIntegrityConstraintViolation, pqerror.ClassProgramLimitExceeded:
			what := pqErr.Constraint
			if what == "" {
				what = pqErr.Code.Name()
			}
			return errs.Errorf(errs.Invalid, "refused by the database: %s", what)
		}
	}
	return err
}
