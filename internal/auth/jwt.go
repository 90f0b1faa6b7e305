package auth

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"tthc/internal/errs"
)

// Config says how tokens are verified. Exactly one of HS256Secret and
// PublicKeyPEM is set; the algorithm is pinned, so a token signed with any
// other (including "none") is refused.
type Config struct {
	HS256Secret  []byte
	PublicKeyPEM []byte
	Alg          string // RS256 or ES256, with PublicKeyPEM
	Issuer       string
	Audience     string
}

// Verifier checks bearer tokens.
type Verifier struct {
	alg      string
	key      any
	issuer   string
	audience string
}

// Claims are the claims of a tthc token: the registered ones (sub, iss,
// aud, exp, nbf, iat) plus name, roles and unit (a unit code).
type Claims struct {
	jwt.RegisteredClaims
	Name  string   `json:"name,omitempty"`
	Roles []string `json:"roles"`
	Unit  string   `json:"unit,omitempty"`
}

// leeway absorbs small clock differences between the token issuer and us.
const leeway = 30 * time.Second

// NewVerifier checks cfg and returns a Verifier for it.
func NewVerifier(cfg Config) (*Verifier, error) {
	if cfg.Issuer == "" || cfg.Audience == "" {
		return nil, errors.New("JWT issuer and audience must be set")
	}
	v := &Verifier{issuer: cfg.Issuer, audience: cfg.Audience}
	switch {
	case len(cfg.HS256Secret) > 0 && len(cfg.PublicKeyPEM) > 0:
		return nil, errors.New("set either JWT_HS256_SECRET or JWT_PUBLIC_KEY_FILE, not both")
	case len(cfg.HS256Secret) > 0:
		if len(cfg.HS256Secret) < 32 {
			return nil, errors.New("JWT_HS256_SECRET must be at least 32 bytes")
		}
		v.alg, v.key = "HS256", cfg.HS256Secret
	case len(cfg.PublicKeyPEM) > 0:
		var (
			key crypto.PublicKey
			err error
		)
		switch cfg.Alg {
		case "RS256":
			key, err = jwt.ParseRSAPublicKeyFromPEM(cfg.PublicKeyPEM)
		case "ES256":
			key, err = jwt.ParseECPublicKeyFromPEM(cfg.PublicKeyPEM)
		default:
			return nil, fmt.Errorf("JWT_ALG must be RS256 or ES256 with a public key, got %q", cfg.Alg)
		}
		if err != nil {
			return nil, fmt.Errorf("JWT public key: %w", err)
		}
		v.alg, v.key = cfg.Alg, key
	default:
		return nil, errors.New("set JWT_HS256_SECRET or JWT_PUBLIC_KEY_FILE")
	}
	return v, nil
}

// Alg returns the pinned signing algorithm.
func (v *Verifier) Alg() string { return v.alg }

// Verify checks a token's signature, algorithm, expiry, not-before, issuer
// and audience, and returns the actor it names. Errors are UNAUTHENTICATED
// with a message safe to show.
func (v *Verifier) Verify(token string) (Actor, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return v.key, nil },
		jwt.WithValidMethods([]string{v.alg}),
		jwt.WithIssuer(v.issuer),
		jwt.WithAudience(v.audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
	)
	if err != nil {
		return Actor{}, errs.Errorf(errs.Unauthenticated, "invalid token: %s", reason(err))
	}
	if err := numericDates(token); err != nil {
		return Actor{}, errs.Errorf(errs.Unauthenticated, "invalid token: %s", err)
	}
	if c.Subject == "" {
		return Actor{}, errs.Errorf(errs.Unauthenticated, "invalid token: no subject")
	}
	a := Actor{Subject: c.Subject, Name: c.Name, UnitCode: c.Unit, Expires: c.ExpiresAt.Add(leeway)}
	for _, r := range c.Roles {
		role := Role(r)
		if !role.Valid() {
			return Actor{}, errs.Errorf(errs.Unauthenticated, "invalid token: unknown role %q", r)
		}
		a.Roles = append(a.Roles, role)
	}
	return a, nil
}

// latestDate is the last second of year 9999, the largest NumericDate we
// read: a larger one is no date a token issuer means.
const latestDate = 253402300799

// numericDates checks that the time claims of a verified token are
// NumericDates as RFC 7519 defines them: JSON numbers of seconds since
// 1970. golang-jwt also reads a string that holds a number, and any
// number, which a date far beyond the year 9999 overflows.
func numericDates(token string) error {
	_, rest, _ := strings.Cut(token, ".")
	payload, _, _ := strings.Cut(rest, ".")
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return errors.New("malformed")
	}
	var claims map[string]json.RawMessage
	if err := json.Unmarshal(b, &claims); err != nil {
		return errors.New("malformed")
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		raw, ok := claims[name]
		if !ok {
			continue
		}
		var seconds float64
		if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) || json.Unmarshal(raw, &seconds) != nil {
			return fmt.Errorf("%s must be a number of seconds", name)
		}
		if seconds < 0 || seconds > latestDate {
			return fmt.Errorf("%s is out of range", name)
		}
	}
	return nil
}

// reason names what was wrong with a token without echoing it.
func reason(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "a required claim is missing"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "bad signature or algorithm"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed"
	}
	return "refused"
}

// BearerToken returns the token of an "Authorization: Bearer ..." value,
// or "" when there is none.
func BearerToken(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// MintConfig describes a development token.
type MintConfig struct {
	Secret   []byte
	Issuer   string
	Audience string
	Subject  string
	Name     string
	Roles    []Role
	Unit     string
	TTL      time.Duration
	Now      time.Time
}

// Mint signs an HS256 token, for development and tests (`tthc token`).
// Production tokens come from the identity provider.
func Mint(c MintConfig) (string, error) {
	if c.Subject == "" {
		return "", errors.New("a token needs a subject")
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	if c.TTL <= 0 {
		c.TTL = time.Hour
	}
	claims := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   c.Subject,
			Issuer:    c.Issuer,
			Audience:  jwt.ClaimStrings{c.Audience},
			IssuedAt:  jwt.NewNumericDate(c.Now),
			NotBefore: jwt.NewNumericDate(c.Now),
			ExpiresAt: jwt.NewNumericDate(c.Now.Add(c.TTL)),
		},
		Name:  c.Name,
		Roles: []string{},
		Unit:  c.Unit,
	}
	for _, r := range c.Roles {
		if !r.Valid() {
			return "", fmt.Errorf("unknown role %q (use %v)", r, Roles)
		}
		claims.Roles = append(claims.Roles, string(r))
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(c.Secret)
}
