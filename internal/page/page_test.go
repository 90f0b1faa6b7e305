package page

import (
	"encoding/base64"
	"testing"
)

// FuzzDecode feeds cursors, well-formed and not, to Decode: it never
// panics, refuses with an error rather than reading a cursor another way,
// and a cursor it accepts is exactly the one the API writes for what it
// read. The seeds below and testdata/fuzz/FuzzDecode run in make test;
// `make fuzz` runs it longer.
func FuzzDecode(f *testing.F) {
	raw := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		Cursor{Order: "name", Keys: []string{"Đăng ký khai sinh"}, ID: 14}.Encode(),
		Cursor{Order: "code", Keys: []string{"1.000123"}, ID: 1}.Encode(),
		raw(`{"o":"name","k":["a"],"i":014}`),
		raw(`{"o":"name","k":["a"],"i":14,"i":15}`),
		raw(`{"o":"name","k":["a\u0000"],"i":14}`),
		raw(`{"o":"name","k":["a"],"i":-1}`),
		raw(`{"o":"name","k":["a"],"i":9223372036854775808}`),
		raw(`{"o":"name","k":[{}],"i":14}`),
		raw(`[]`), raw(`null`), raw("\xff\xfe"),
		base64.URLEncoding.EncodeToString([]byte(`{"o":"name","k":["a"],"i":14}`)),
		"", "=", "!!!", "YQ\n",
	} {
		f.Add(s, "name", 1)
	}
	f.Fuzz(func(t *testing.T, s, order string, nkeys int) {
		c, err := Decode(s, order, nkeys)
		if err != nil {
			return
		}
		if got := c.Encode(); got != s {
			t.Fatalf("read %q as %+v, which the API writes %q", s, c, got)
		}
		if c.Order != order || len(c.Keys) != nkeys || c.ID <= 0 {
			t.Fatalf("read %q as %+v for order %q with %d keys", s, c, order, nkeys)
		}
	})
}
