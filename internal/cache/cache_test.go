package cache

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/lib/pq"
)

// TestRequestKey checks that one question has one key however it is
// spelled, and two questions two keys.
func TestRequestKey(t *testing.T) {
	get := func(q url.Values) string {
		k, ok := requestKey(httptest.NewRequest("GET", "/graphql?"+q.Encode(), nil))
		if !ok {
			t.Fatalf("%v: no key", q)
		}
		return k
	}
	post := func(body string) (string, bool) {
		return requestKey(httptest.NewRequest("POST", "/graphql", strings.NewReader(body)))
	}
	q := "query($a: Int, $b: String) { x }"
	a := get(url.Values{"query": {q}, "variables": {`{"a": 1, "b": "é"}`}})
	same := []string{
		get(url.Values{"query": {q}, "variables": {`{"b":"é","a":1}`}}),
		get(url.Values{"query": {q}, "variables": {` {"b": "\u00e9", "a": 1} `}}),
	}
	if k, ok := post(`{"query": "query($a: Int, $b: String) { x }", "variables": {"b": "é", "a": 1}}`); ok {
		same = append(same, k)
	} else {
		t.Fatal("POST: no key")
	}
	for i, k := range same {
		if k != a {
			t.Errorf("spelling %d: another key", i)
		}
	}
	other := []string{
		get(url.Values{"query": {q}, "variables": {`{"a": 2, "b": "é"}`}}),
		get(url.Values{"query": {q}, "variables": {`{"a": 1.0, "b": "é"}`}}), // numbers as written
		get(url.Values{"query": {q}, "variables": {`{"a": 1, "b": "é"}`}, "operationName": {"X"}}),
		get(url.Values{"query": {q + " "}, "variables": {`{"a": 1, "b": "é"}`}}),
		get(url.Values{"documentId": {"sha256:abc"}, "variables": {`{"a": 1, "b": "é"}`}}),
	}
	for i, k := range other {
		if k == a {
			t.Errorf("question %d shares the key", i)
		}
	}
	for _, bad := range []string{`{"query": 1}`, `not json`, `{"query": "{x}", "variables": [1}`} {
		if _, ok := post(bad); ok {
			t.Errorf("%s: a key for a request the GraphQL layer refuses", bad)
		}
	}
	if _, ok := requestKey(httptest.NewRequest("GET", "/graphql?query=x&variables=%7Bnope", nil)); ok {
		t.Error("bad variables in a GET: a key")
	}
}

func TestMatches(t *testing.T) {
	tag := `"abc-1"`
	for header, want := range map[string]bool{
		`"abc-1"`: true, `W/"abc-1"`: true, `"x", "abc-1"`: true, `*`: true,
		``: false, `"abc-2"`: false, `abc-1`: false,
	} {
		if got := matches(header, tag); got != want {
			t.Errorf("If-None-Match %q: %v, want %v", header, got, want)
		}
	}
	if etag("k", 1) == etag("k", 2) || etag("k", 1) == etag("j", 1) || etag("k", 1) != etag("k", 1) {
		t.Error("an ETag does not name exactly the key and the version")
	}
}

type fakeReader struct {
	v   int64
	err error
}

func (f *fakeReader) CatalogVersion(context.Context) (int64, error) { return f.v, f.err }

// TestVersionsTrust checks when the known version may be trusted: not
// while the listener is down, nor after it came back until the version
// has been read again, nor on a read that began before a disconnection.
func TestVersionsTrust(t *testing.T) {
	ctx := context.Background()
	r := &fakeReader{v: 10}
	v := &Versions{reader: r, logger: slog.New(slog.DiscardHandler)}
	v.known.Store(-1)
	v.connected.Store(true)
	if err := v.refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n, ok := v.Current(); n != 10 || !ok {
		t.Fatalf("after the first read: %d %v", n, ok)
	}
	v.Observe(12) // a notification
	v.Observe(11) // an older read: versions only grow
	if n, ok := v.Current(); n != 12 || !ok {
		t.Fatalf("after notifications: %d %v", n, ok)
	}

	v.event(pq.ListenerEventDisconnected, errors.New("gone"))
	if _, ok := v.Current(); ok {
		t.Error("trusted while disconnected")
	}
	r.v = 15
	if err := v.refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n, ok := v.Current(); ok || n != 15 {
		t.Errorf("a read while disconnected: %d %v; want 15, untrusted", n, ok)
	}
	v.event(pq.ListenerEventReconnected, nil)
	if _, ok := v.Current(); ok {
		t.Error("trusted after reconnecting, before reading the version")
	}
	r.err = errors.New("down")
	if err := v.refresh(ctx); err == nil {
		t.Error("a failed read reported no error")
	}
	if _, ok := v.Current(); ok {
		t.Error("trusted after a failed read")
	}
	r.err, r.v = nil, 16
	if err := v.refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n, ok := v.Current(); n != 16 || !ok {
		t.Errorf("after reading again: %d %v; want 16, trusted", n, ok)
	}
}
