package httpserver

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32")}
	for _, c := range []struct {
		peer, xff string
		want      string
	}{
		{"203.0.113.5:4000", "", "203.0.113.5"},
		// An untrusted peer's X-Forwarded-For is a lie to ignore.
		{"203.0.113.5:4000", "198.51.100.1", "203.0.113.5"},
		// A trusted proxy's last entry is the client.
		{"10.1.2.3:4000", "198.51.100.1", "198.51.100.1"},
		// Through two proxies; the client's own entry (leftmost) is not believed.
		{"10.1.2.3:4000", "1.1.1.1, 198.51.100.1, 192.0.2.7", "198.51.100.1"},
		{"[::ffff:10.1.2.3]:4000", "2001:db8::1", "2001:db8::1"},
		// Garbage stops the walk at the last good address.
		{"10.1.2.3:4000", "nonsense", "10.1.2.3"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientAddr(r, proxies); got.String() != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", c.peer, c.xff, got, c.want)
		}
	}
}
