package main

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"tthc/internal/httpserver"
)

// edgeConfig is what the HTTP edge reads from the environment:
//
//	CORS_ALLOWED_ORIGINS  origins whose pages may call the API, separated
//	                      by commas or spaces: https://portal.gov.vn,
//	                      https://*.gov.vn (one wildcard), or * for any;
//	                      empty: the same origin only
//	TRUSTED_PROXIES       addresses or CIDR ranges of the proxies whose
//	                      X-Forwarded-Proto is believed
//	TLS_CERT_FILE,        a certificate and its key (PEM): serve HTTPS
//	TLS_KEY_FILE          instead of HTTP
type edgeConfig struct {
	CORSAllowedOrigins []string
	TrustedProxies     httpserver.TrustedProxies
	TLSCertFile        string
	TLSKeyFile         string
}

func loadEdgeConfig(getenv func(string) string) (edgeConfig, error) {
	c := edgeConfig{TLSCertFile: getenv("TLS_CERT_FILE"), TLSKeyFile: getenv("TLS_KEY_FILE")}
	var errs []error
	for _, o := range listVar(getenv("CORS_ALLOWED_ORIGINS")) {
		origin, err := parseOrigin(o)
		if err != nil {
			errs = append(errs, fmt.Errorf("CORS_ALLOWED_ORIGINS: %w", err))
		}
		c.CORSAllowedOrigins = append(c.CORSAllowedOrigins, origin)
	}
	for _, p := range listVar(getenv("TRUSTED_PROXIES")) {
		prefix, err := parsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("TRUSTED_PROXIES: %q is neither an IP address nor a CIDR range", p))
		}
		c.TrustedProxies = append(c.TrustedProxies, prefix)
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		errs = append(errs, errors.New("set both TLS_CERT_FILE and TLS_KEY_FILE, or neither"))
	}
	return c, errors.Join(errs...)
}

// listVar splits a list variable on commas and white space.
func listVar(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
}

// parseOrigin checks that o is an origin as browsers send it
// (scheme://host[:port], nothing after), or *, and lower-cases it.
func parseOrigin(o string) (string, error) {
	if o == "*" {
		return o, nil
	}
	u, err := url.Parse(strings.ToLower(o))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.Count(u.Host, "*") > 1 {
		return "", fmt.Errorf("%q is not an origin: write scheme://host[:port] with no path or trailing slash, at most one * in the host", o)
	}
	return u.Scheme + "://" + u.Host, nil
}

// parsePrefix reads an address (one host) or a CIDR range.
func parsePrefix(p string) (netip.Prefix, error) {
	if strings.Contains(p, "/") {
		prefix, err := netip.ParsePrefix(p)
		return prefix.Masked(), err
	}
	addr, err := netip.ParseAddr(p)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(addr, addr.BitLen()), nil
}
