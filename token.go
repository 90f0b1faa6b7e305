package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"tthc/internal/auth"
)

// jwtConfig reads the token settings from the environment:
//
//	JWT_HS256_SECRET     shared secret (at least 32 bytes) for HS256 tokens, or
//	JWT_PUBLIC_KEY_FILE  a PEM public key, with
//	JWT_ALG              RS256 or ES256 (the algorithm is pinned);
//	JWT_ISSUER           the expected "iss" (default "tthc");
//	JWT_AUDIENCE         the expected "aud" (default "tthc-api").
//
// With neither a secret nor a key, the server accepts no tokens and serves
// the public catalog only.
func jwtConfig(getenv func(string) string) (auth.Config, error) {
	c := auth.Config{
		HS256Secret: []byte(getenv("JWT_HS256_SECRET")),
		Alg:         getenv("JWT_ALG"),
		Issuer:      getenv("JWT_ISSUER"),
		Audience:    getenv("JWT_AUDIENCE"),
	}
	if c.Issuer == "" {
		c.Issuer = "tthc"
	}
	if c.Audience == "" {
		c.Audience = "tthc-api"
	}
	if path := getenv("JWT_PUBLIC_KEY_FILE"); path != "" {
		pem, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("JWT_PUBLIC_KEY_FILE: %w", err)
		}
		c.PublicKeyPEM = pem
	}
	return c, nil
}

// jwtConfigured tells whether the environment names a key or secret.
func jwtConfigured(c auth.Config) bool { return len(c.HS256Secret) > 0 || len(c.PublicKeyPEM) > 0 }

// tokenFlags are the flags of tthc token.
type tokenFlags struct {
	sub, name, unit string
	ttl             time.Duration
	roles           []auth.Role
}

func (f *tokenFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.sub, "sub", "", "subject: a stable user id (required)")
	fs.StringVar(&f.name, "name", "", "display name, recorded in proposal events")
	fs.StringVar(&f.unit, "unit", "", "code of the administrative unit the user works for, e.g. 40-DL")
	fs.DurationVar(&f.ttl, "ttl", 24*time.Hour, "lifetime of the token")
	fs.Func("role", "OFFICER, REVIEWER, ANALYST or ADMIN (repeatable, or comma-separated)", func(v string) error {
		for _, r := range strings.Split(v, ",") {
			role := auth.Role(strings.ToUpper(strings.TrimSpace(r)))
			if !role.Valid() {
				return fmt.Errorf("unknown role %q", r)
			}
			f.roles = append(f.roles, role)
		}
		return nil
	})
}

// runToken mints a development token signed with JWT_HS256_SECRET:
//
//	tthc token --sub alice --name "Nguyễn Văn A" --role OFFICER --unit 40-DL --ttl 24h
//
// --role may be repeated or comma-separated; --unit is a unit code. It
// mints only what serve accepts: it builds the verifier serve would build
// from the same environment (so a secret serve refuses, e.g. one too
// short, is refused here with the same message) and checks the token
// with it.
func runToken(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f tokenFlags
	f.define(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if f.sub == "" {
		return flagMistake(fs, errors.New("--sub is required"))
	}
	cfg, err := jwtConfig(getenv)
	if err != nil {
		return err
	}
	if len(cfg.HS256Secret) == 0 {
		return errors.New("JWT_HS256_SECRET is not set: tthc token signs development tokens with it (make run sets one)")
	}
	verifier, err := auth.NewVerifier(cfg)
	if err != nil {
		return fmt.Errorf("the server would refuse this configuration, so its tokens too: %w", err)
	}
	token, err := auth.Mint(auth.MintConfig{Secret: cfg.HS256Secret, Issuer: cfg.Issuer, Audience: cfg.Audience,
		Subject: f.sub, Name: f.name, Roles: f.roles, Unit: f.unit, TTL: f.ttl})
	if err != nil {
		return err
	}
	if _, err := verifier.Verify(token); err != nil {
		return fmt.Errorf("the minted token would be refused: %w", err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}
