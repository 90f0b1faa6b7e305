package scalars

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
)

// Global IDs are opaque to clients: base64url of "Type:key", the type
// being the GraphQL object's name. Clients must not parse them; the
// server may change the encoding. graph/ids.go reads them back, strictly.

// GlobalID returns the global ID of the entity of type typ with key.
func GlobalID(typ, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typ + ":" + key))
}

// MarshalEntityID writes the `id` of an entity whose key is a number, a
// field bound to the domain type's ID (gqlgen.yml): the type is the
// object the field belongs to. It runs inline, where a resolver per id
// ran in a goroutine of its own.
func MarshalEntityID(id int64) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object == "" {
			return errors.New("an entity ID outside the field of an object")
		}
		_, err := io.WriteString(w, strconv.Quote(GlobalID(fc.Object, strconv.FormatInt(id, 10))))
		return err
	})
}

// UnmarshalEntityID refuses: IDs in arguments and inputs are read as
// strings (graphql.ID), whose type the resolver checks.
func UnmarshalEntityID(ctx context.Context, v any) (int64, error) {
	return 0, errors.New("entity IDs are output only")
}
