package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"tthc/internal/auth"
)

// TestMain lets a test run the real main in a child process, to see its
// exit status: the child is this test binary with TTHC_RUN_MAIN set.
func TestMain(m *testing.M) {
	if os.Getenv("TTHC_RUN_MAIN") == "1" {
		os.Args = append([]string{"tthc"}, strings.Fields(os.Getenv("TTHC_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runMain runs tthc with args in a child process, without DATABASE_URL,
// and returns its exit status, standard output and standard error.
func runMain(t *testing.T, args string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{"TTHC_RUN_MAIN=1", "TTHC_ARGS=" + args, "PATH=" + os.Getenv("PATH")}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// TestHelpExitsZero checks every way of asking for help: usage on
// standard output, status 0, and no DATABASE_URL needed.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range []string{"help", "-h", "--help", "-help"} {
		code, stdout, stderr := runMain(t, args)
		if code != 0 || stderr != "" {
			t.Errorf("tthc %s: status %d, stderr %q; want 0 and nothing", args, code, stderr)
		}
		for _, c := range commands {
			if !strings.Contains(stdout, "\n  "+c.name) {
				t.Errorf("tthc %s does not list %s:\n%s", args, c.name, stdout)
			}
		}
	}
	for _, c := range commands {
		for _, args := range []string{c.name + " --help", c.name + " -h", "help " + c.name} {
			code, stdout, stderr := runMain(t, args)
			if code != 0 || stderr != "" {
				t.Errorf("tthc %s: status %d, stderr %q; want 0 and nothing", args, code, stderr)
			}
			if !strings.HasPrefix(stdout, "usage: tthc "+c.name) {
				t.Errorf("tthc %s printed %q, want its usage", args, stdout)
			}
		}
	}
	// A command's help lists its flags.
	_, stdout, _ := runMain(t, "token --help")
	for _, flag := range []string{"-sub", "-role", "-unit", "-ttl"} {
		if !strings.Contains(stdout, flag) {
			t.Errorf("tthc token --help does not describe %s:\n%s", flag, stdout)
		}
	}
}

// TestUsageErrorsExitTwo checks that command-line mistakes exit with
// status 2 and print the usage, while other failures exit with 1.
func TestUsageErrorsExitTwo(t *testing.T) {
	for _, c := range []struct {
		args, stderr string
	}{
		{"frobnicate", `unknown command "frobnicate"`},
		{"help frobnicate", `unknown command "frobnicate"`},
		{"token --bogus", "flag provided but not defined: -bogus"},
		{"token --role KING --sub x", `unknown role "KING"`},
		{"token --role ADMIN", "--sub is required"},
		{"token --sub x extra", "takes no arguments"},
	} {
		code, stdout, stderr := runMain(t, c.args)
		if code != 2 {
			t.Errorf("tthc %s: status %d, want 2", c.args, code)
		}
		if !strings.Contains(stderr, c.stderr) || !strings.Contains(stderr, "usage: tthc") {
			t.Errorf("tthc %s: stderr %q, want %q and the usage", c.args, stderr, c.stderr)
		}
		if stdout != "" {
			t.Errorf("tthc %s: stdout %q, want nothing", c.args, stdout)
		}
	}
	// Not a usage mistake: the environment lacks what serve needs.
	if code, _, stderr := runMain(t, "migrate"); code != 1 || !strings.Contains(stderr, "DATABASE_URL is not set") {
		t.Errorf("tthc migrate without DATABASE_URL: status %d, stderr %q; want 1 and why", code, stderr)
	}
}

// TestTokenSecretAsServeAccepts checks that tthc token refuses a secret
// that serve refuses, and that what it mints, serve accepts.
func TestTokenSecretAsServeAccepts(t *testing.T) {
	mint := func(secret string) (string, error) {
		env := map[string]string{"JWT_HS256_SECRET": secret}
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"token", "--sub", "analyst", "--role", "ANALYST"},
			func(k string) string { return env[k] }, nil, &stdout, &stderr)
		return strings.TrimSpace(stdout.String()), err
	}
	short := strings.Repeat("s", 31)
	if token, err := mint(short); err == nil || token != "" {
		t.Errorf("a 31-byte secret minted %q, err %v; want a refusal", token, err)
	} else if _, serveErr := auth.NewVerifier(auth.Config{HS256Secret: []byte(short), Issuer: "tthc", Audience: "tthc-api"}); !strings.Contains(err.Error(), serveErr.Error()) {
		t.Errorf("refusal %q does not say what serve says (%q)", err, serveErr)
	}

	secret := strings.Repeat("s", 32)
	token, err := mint(secret)
	if err != nil {
		t.Fatal(err)
	}
	// The verifier serve builds from the same environment.
	cfg, err := jwtConfig(func(k string) string { return map[string]string{"JWT_HS256_SECRET": secret}[k] })
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	actor, err := v.Verify(token)
	if err != nil || actor.Subject != "analyst" {
		t.Errorf("serve's verifier: %+v, %v; want analyst", actor, err)
	}
}
