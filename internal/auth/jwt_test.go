package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"tthc/internal/errs"
)

var secret = []byte("0123456789abcdef0123456789abcdef")

func hsVerifier(t *testing.T) *Verifier {
	v, err := NewVerifier(Config{HS256Secret: secret, Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func claims(mod func(*Claims)) *Claims {
	now := time.Now()
	c := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject: "alice", Issuer: "tthc", Audience: jwt.ClaimStrings{"tthc-api"},
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		},
		Name: "Alice", Roles: []string{"OFFICER"}, Unit: "40-DL",
	}
	if mod != nil {
		mod(c)
	}
	return c
}

func sign(t *testing.T, m jwt.SigningMethod, key any, c *Claims) string {
	s, err := jwt.NewWithClaims(m, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMintAndVerify(t *testing.T) {
	tok, err := Mint(MintConfig{Secret: secret, Issuer: "tthc", Audience: "tthc-api", Subject: "bob",
		Name: "Bob", Roles: []Role{Officer, Reviewer}, Unit: "40", TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	a, err := hsVerifier(t).Verify(tok)
	if err != nil {
		t.Fatal(err)
	}
	if a.Subject != "bob" || a.Name != "Bob" || a.UnitCode != "40" || !a.Has(Officer) || !a.Has(Reviewer) || a.Has(Admin) {
		t.Errorf("actor = %+v", a)
	}
}

func TestVerifyRefuses(t *testing.T) {
	v := hsVerifier(t)
	other := []byte("another-secret-another-secret-xx")
	tests := map[string]string{
		"expired":          sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour)) })),
		"not yet valid":    sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.NotBefore = jwt.NewNumericDate(time.Now().Add(time.Hour)) })),
		"no expiry":        sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.ExpiresAt = nil })),
		"wrong issuer":     sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.Issuer = "evil" })),
		"wrong audience":   sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other"} })),
		"wrong secret":     sign(t, jwt.SigningMethodHS256, other, claims(nil)),
		"HS512 not pinned": sign(t, jwt.SigningMethodHS512, secret, claims(nil)),
		"alg none":         sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(nil)),
		"unknown role":     sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.Roles = []string{"ROOT"} })),
		"no subject":       sign(t, jwt.SigningMethodHS256, secret, claims(func(c *Claims) { c.Subject = "" })),
		"garbage":          "not.a.token",
	}
	for name, tok := range tests {
		_, err := v.Verify(tok)
		if errs.KindOf(err) != errs.Unauthenticated {
			t.Errorf("%s: got %v, want UNAUTHENTICATED", name, err)
		}
		if err != nil && strings.Contains(err.Error(), tok) {
			t.Errorf("%s: the error echoes the token", name)
		}
	}
}

func pemOf(t *testing.T, pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestPublicKeyAlgorithms(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := NewVerifier(Config{PublicKeyPEM: pemOf(t, &rsaKey.PublicKey), Alg: "RS256", Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	es, err := NewVerifier(Config{PublicKeyPEM: pemOf(t, &ecKey.PublicKey), Alg: "ES256", Issuer: "tthc", Audience: "tthc-api"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Verify(sign(t, jwt.SigningMethodRS256, rsaKey, claims(nil))); err != nil {
		t.Errorf("RS256: %v", err)
	}
	if _, err := es.Verify(sign(t, jwt.SigningMethodES256, ecKey, claims(nil))); err != nil {
		t.Errorf("ES256: %v", err)
	}
	// The algorithm is pinned: an ES256 token is refused by the RS256
	// verifier, and an HS256 token signed with the public key's PEM as
	// secret (the classic confusion attack) by both.
	if _, err := rs.Verify(sign(t, jwt.SigningMethodES256, ecKey, claims(nil))); err == nil {
		t.Error("RS256 verifier accepted an ES256 token")
	}
	confused := sign(t, jwt.SigningMethodHS256, pemOf(t, &rsaKey.PublicKey), claims(nil))
	if _, err := rs.Verify(confused); err == nil {
		t.Error("RS256 verifier accepted an HS256 token keyed with its public key")
	}
}

func TestNewVerifierConfig(t *testing.T) {
	for name, c := range map[string]Config{
		"nothing":        {Issuer: "i", Audience: "a"},
		"short secret":   {HS256Secret: []byte("short"), Issuer: "i", Audience: "a"},
		"both":           {HS256Secret: secret, PublicKeyPEM: []byte("x"), Issuer: "i", Audience: "a"},
		"bad alg":        {PublicKeyPEM: []byte("x"), Alg: "HS256", Issuer: "i", Audience: "a"},
		"no audience":    {HS256Secret: secret, Issuer: "i"},
		"bad public key": {PublicKeyPEM: []byte("x"), Alg: "RS256", Issuer: "i", Audience: "a"},
	} {
		if _, err := NewVerifier(c); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestBearerToken(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer abc": "abc", "bearer  abc ": "abc", "Basic abc": "", "abc": "", "": "", "Bearer": "",
	} {
		if got := BearerToken(in); got != want {
			t.Errorf("BearerToken(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestVerifyRefusesDatesThatAreNotNumbers checks that exp, nbf and iat
// must be JSON numbers of seconds (RFC 7519 NumericDate), not strings
// that hold one, nor numbers no date is.
func TestVerifyRefusesDatesThatAreNotNumbers(t *testing.T) {
	v := hsVerifier(t)
	now := time.Now()
	valid := map[string]any{"sub": "alice", "iss": "tthc", "aud": "tthc-api", "roles": []string{"OFFICER"},
		"exp": now.Add(time.Hour).Unix(), "nbf": now.Add(-time.Minute).Unix(), "iat": now.Unix()}
	token := func(name string, value any) string {
		c := jwt.MapClaims{}
		for k, v := range valid {
			c[k] = v
		}
		if name != "" {
			c[name] = value
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if _, err := v.Verify(token("", nil)); err != nil {
		t.Fatalf("a valid token: %v", err)
	}
	if _, err := v.Verify(token("exp", float64(now.Add(time.Hour).Unix())+0.5)); err != nil {
		t.Errorf("exp with a fraction of a second: %v", err)
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		var ok int64
		switch name {
		case "exp":
			ok = now.Add(time.Hour).Unix()
		default:
			ok = now.Add(-time.Minute).Unix()
		}
		for what, value := range map[string]any{
			"a string":           strconv.FormatInt(ok, 10),
			"null":               nil,
			"an object":          map[string]any{"seconds": ok},
			"beyond year 9999":   1e300,
			"before 1970":        -1,
			"a boolean":          true,
			"a list of a number": []int64{ok},
		} {
			_, err := v.Verify(token(name, value))
			if errs.KindOf(err) != errs.Unauthenticated {
				t.Errorf("%s as %s: %v, want UNAUTHENTICATED", name, what, err)
			}
		}
	}
}
