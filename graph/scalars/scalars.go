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

// maxDecimalDigits bounds the digits of a Decimal on each side of the
// point: "1e1000000000" is a short text for a number of a billion digits,
// which printing (to store it) would make.
const maxDecimalDigits = 30

// UnmarshalDecimal reads a decimal from a string or a JSON number.
func UnmarshalDecimal(v any) (decimal.Decimal, error) {
	switch v := v.(type) {
	case string:
		if len(v) > 100 {
			return decimal.Decimal{}, errs.Errorf(errs.Invalid, "Decimal must be a number such as \"12.50\", of at most %d digits before and after the point", maxDecimalDigits)
		}
		d, err := decimal.NewFromString(v)
		if err != nil {
			return d, errs.Errorf(errs.Invalid, "Decimal must be a number such as \"12.50\", got %q", v)
		}
		if whole, frac := int64(d.NumDigits())+int64(d.Exponent()), -int64(d.Exponent()); whole > maxDecimalDigits || frac > maxDecimalDigits {
			return decimal.Decimal{}, errs.Errorf(errs.Invalid, "Decimal must have at most %d digits before and after the point, got %q", maxDecimalDigits, v)
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
	if err != nil || t.Year() < 1 {
		// PostgreSQL has no year 0.
		return time.Time{}, errs.Errorf(errs.Invalid, "Date must be YYYY-MM-DD from 0001-01-01, got %q", s)
	}
	return t, nil
}
