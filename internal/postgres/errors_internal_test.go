package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/lib/pq"

	"tthc/internal/errs"
)

func TestDBErrorKinds(t *testing.T) {
	for _, c := range []struct {
		err  error
		want errs.Kind
	}{
		{&pq.Error{Code: "57014"}, errs.Timeout},
		{fmt.Errorf("wrapped: %w", &pq.Error{Code: "57014"}), errs.Timeout},
		{context.DeadlineExceeded, errs.Timeout},
		{&pq.Error{Code: "57P01"}, errs.Unavailable},
		{&pq.Error{Code: "57P03"}, errs.Unavailable},
		{&pq.Error{Code: "08006"}, errs.Unavailable},
		{&pq.Error{Code: "53300"}, errs.Unavailable},
		{driver.ErrBadConn, errs.Unavailable},
		{sql.ErrConnDone, errs.Unavailable},
		{io.ErrUnexpectedEOF, errs.Unavailable},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, errs.Unavailable},
		{&pq.Error{Code: "42601"}, errs.Internal}, // a syntax error is ours
		{&pq.Error{Code: "23505"}, errs.Internal}, // dataError decides, for writes
		{errors.New("boom"), errs.Internal},
		{errs.Errorf(errs.NotFound, "no such unit"), errs.NotFound},
	} {
		got := dbError(c.err)
		if errs.KindOf(got) != c.want {
			t.Errorf("dbError(%v): kind %s, want %s", c.err, errs.KindOf(got), c.want)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("dbError(%v) lost the cause", c.err)
		}
	}
	if dbError(nil) != nil || dbError(sql.ErrNoRows) != sql.ErrNoRows {
		t.Error("dbError changes nil or sql.ErrNoRows")
	}
	for code, want := range map[pq.ErrorCode]errs.Kind{"23505": errs.Invalid, "23514": errs.Invalid, "22003": errs.Invalid, "54000": errs.Invalid, "42601": errs.Internal} {
		if got := errs.KindOf(dataError(&pq.Error{Code: code})); got != want {
			t.Errorf("dataError(%s): kind %s, want %s", code, got, want)
		}
	}
}
