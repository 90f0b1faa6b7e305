package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStopScript starts a private cluster the way make run and make test
// do, and checks that scripts/stop.sh (make stop) stops it.
func TestStopScript(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("scripts/pg.sh", dir, "tthc").CombinedOutput(); err != nil {
		t.Fatalf("pg.sh: %v\n%s", err, out)
	}
	pgdata := filepath.Join(dir, "pgdata")
	pid := filepath.Join(pgdata, "postmaster.pid")
	if _, err := os.Stat(pid); err != nil {
		t.Fatalf("the cluster did not start: %v", err)
	}
	out, err := exec.Command("scripts/stop.sh", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("stop.sh: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "stopped the PostgreSQL cluster in "+pgdata) {
		t.Errorf("stop.sh said %q", out)
	}
	// pg_ctl stop -w returns once the server is gone and its pid file
	// removed.
	if _, err := os.Stat(pid); !os.IsNotExist(err) {
		t.Errorf("the cluster still runs (%s: %v)", pid, err)
	}
	if out, _ := exec.Command("scripts/stop.sh", dir).CombinedOutput(); !strings.Contains(string(out), "no PostgreSQL cluster of this checkout is running") {
		t.Errorf("a second stop said %q", out)
	}
}
