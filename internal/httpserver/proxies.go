package httpserver

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
)

// TrustedProxies are the peers whose forwarding headers (X-Forwarded-For,
// X-Forwarded-Proto) the server believes: the load balancers and ingress in front of it.
// Anyone else could send them to lie about the request.
type TrustedProxies []netip.Prefix

// trusts reports whether r comes straight from a trusted proxy.
func (t TrustedProxies) trusts(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	return t.contains(addr.Unmap())
}

// contains reports whether addr is one of the trusted proxies.
func (t TrustedProxies) contains(addr netip.Addr) bool {
	return slices.ContainsFunc(t, func(p netip.Prefix) bool { return p.Contains(addr) })
}

// overTLS reports whether the client's connection is encrypted: it reached
// this server over TLS, or a trusted proxy says it reached the proxy so.
func (t TrustedProxies) overTLS(r *http.Request) bool {
	return r.TLS != nil || (r.Header.Get("X-Forwarded-Proto") == "https" && t.trusts(r))
}
