package trusted

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "manifest.json")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoad(t *testing.T) {
	doc := "query Levels { authorityLevels { code } }"
	d, err := Load(write(t, `{"`+Hash(doc)+`": "`+doc+`", "relay-7f": "{ sectors { id } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{Hash(doc), "sha256:" + Hash(doc)} {
		if got, ok := d.Lookup(id); !ok || got != doc {
			t.Errorf("Lookup(%s) = %q, %v", id, got, ok)
		}
	}
	if _, ok := d.Lookup("relay-7f"); !ok {
		t.Error("an id that is not a hash (Relay's) is not found")
	}
	if !d.Contains(doc) || d.Contains(doc+" ") || d.Contains("{ __typename }") {
		t.Error("Contains must match the exact text only")
	}

	// A hash that is not its document's: refused at start.
	if _, err := Load(write(t, `{"`+Hash("other")+`": "`+doc+`"}`)); err == nil || !strings.Contains(err.Error(), "not the SHA-256") {
		t.Errorf("wrong hash: %v", err)
	}
	for _, bad := range []string{`[]`, `{}`, `not json`} {
		if _, err := Load(write(t, bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
