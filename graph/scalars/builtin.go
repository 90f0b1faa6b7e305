package scalars

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"tthc/internal/errs"
)

// GraphQL's own scalars, String, ID, Int and Boolean, are read here
// rather than by gqlgen, so that every value a client sends is checked
// once, on its way in, whatever argument or input field carries it: text
// that PostgreSQL cannot store, or an Int it cannot, is BAD_USER_INPUT
// before it reaches a resolver, never an error of the database.

// MarshalString writes s as a JSON string.
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString reads a String: valid UTF-8 without NUL characters.
func UnmarshalString(v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", errs.Errorf(errs.Invalid, "String must be a string, got %s", kind(v))
	}
	return s, CheckText(s)
}

// CheckText refuses text that PostgreSQL cannot store: invalid UTF-8 or a
// NUL character. Every text a client sends passes through it.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return errs.Errorf(errs.Invalid, "text must be valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return errs.Errorf(errs.Invalid, "text must not contain NUL characters")
	}
	return nil
}

// MarshalID writes an ID as a JSON string.
func MarshalID(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalID reads an ID: a string, or an integer, as GraphQL allows.
func UnmarshalID(v any) (string, error) {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int:
		return strconv.Itoa(v), nil
	case json.Number:
		if _, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return string(v), nil
		}
	case string:
		return v, CheckText(v)
	}
	return "", errs.Errorf(errs.Invalid, "ID must be a string, got %s", kind(v))
}

// MarshalInt writes i as a JSON number.
func MarshalInt(i int) graphql.Marshaler { return graphql.MarshalInt(i) }

// UnmarshalInt reads an Int: GraphQL's Int is a signed 32-bit integer,
// as PostgreSQL's integer is.
func UnmarshalInt(v any) (int, error) {
	n, err := int32Value(v)
	return int(n), err
}

// MarshalInt64 writes i as a JSON number.
func MarshalInt64(i int64) graphql.Marshaler { return graphql.MarshalInt64(i) }

// UnmarshalInt64 reads an Int into an int64, within the same 32 bits.
func UnmarshalInt64(v any) (int64, error) {
	n, err := int32Value(v)
	return int64(n), err
}

func int32Value(v any) (int32, error) {
	var n int64
	switch v := v.(type) {
	case int:
		n = int64(v)
	case int64:
		n = v
	case json.Number:
		var err error
		if n, err = strconv.ParseInt(string(v), 10, 64); errors.Is(err, strconv.ErrRange) {
			n = math.MaxInt64 // out of range below
		} else if err != nil {
			return 0, errs.Errorf(errs.Invalid, "Int must be a whole number, got %s", v)
		}
	default:
		return 0, errs.Errorf(errs.Invalid, "Int must be a whole number, got %s", kind(v))
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, errs.Errorf(errs.Invalid, "Int must be between %d and %d, got %s", math.MinInt32, math.MaxInt32, fmt.Sprint(v))
	}
	return int32(n), nil
}

// MarshalBoolean writes b as JSON.
func MarshalBoolean(b bool) graphql.Marshaler { return graphql.MarshalBoolean(b) }

// UnmarshalBoolean reads a Boolean: true or false, nothing else.
func UnmarshalBoolean(v any) (bool, error) {
	b, ok := v.(bool)
	if !ok {
		return false, errs.Errorf(errs.Invalid, "Boolean must be true or false, got %s", kind(v))
	}
	return b, nil
}

// kind names the JSON kind of a value a client sent, for messages that
// must not echo the value itself.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int, int64, float64, json.Number:
		return "a number"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return "a value of another kind"
}
