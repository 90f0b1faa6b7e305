// Package scalars marshals the API's custom scalars: Decimal as a string
// so no precision is lost, and Date as YYYY-MM-DD.
package scalars

import (
	"io"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/shopspring/decimal"

	"tthc/internal/errs"
)

// MarshalDecimal writes d as a JSON string.
func MarshalDecimal(d decimal.Decimal) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(d.String()))
	})
}

// UnmarshalDecimal reads a decimal from a string or a JSON number.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	switch v := v.(type) {
	case string:
		d, err := decimal.NewFromString(v)
		if err != nil {
			return d, errs.Errorf(errs.Invalid, "Decimal must be a number such as \"12.50\", got %q", v)
		}
		return d, nil
	case int:
		return decimal.NewFromInt(int64(v)), nil
	case int64:
		return decimal.NewFromInt(v), nil
	case interface{ String() string }: // json.Number
		return UnmarshalDecimal(v.String())
	}
	return decimal.Decimal{}, errs.Errorf(errs.Invalid, "Decimal must be a string such as \"12.50\"")
}

const dateLayout = "2006-01-02"

// MarshalDate writes t as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.Format(dateLayout)))
	})
}

// UnmarshalDate reads a YYYY-MM-DD date.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, errs.Errorf(errs.Invalid, "Date must be a string YYYY-MM-DD")
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, errs.Errorf(errs.Invalid, "Date must be YYYY-MM-DD, got %q", s)
	}
	return t, nil
}
