package httpserver_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// auditDir holds graphql-http at the version its package-lock.json pins;
// make test runs npm ci there.
const auditDir = "testdata/graphql-http"

// TestGraphQLOverHTTPAudit runs graphql-http's own audit of the GraphQL
// over HTTP specification against the server: every audit, the MUSTs,
// the SHOULDs and the MAYs, must pass.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("no node: install Node.js (apt-get install -y nodejs npm), then run make test")
	}
	if _, err := os.Stat(filepath.Join(auditDir, "node_modules", "graphql-http")); err != nil {
		t.Fatalf("graphql-http is not installed: run `npm ci --prefix internal/httpserver/%s` (make test does)", auditDir)
	}
	srv := httptest.NewServer(newAPI(t, testdb.New(t), httpserver.Config{}).handler)
	t.Cleanup(srv.Close)

	cmd := exec.Command(node, "audit.mjs", srv.URL+"/graphql")
	cmd.Dir = auditDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit: %v\n%s", err, stderr.String())
	}
	ok := 0
	lines := bufio.NewScanner(bytes.NewReader(out))
	for lines.Scan() {
		var r struct{ ID, Name, Status, Reason string }
		if err := json.Unmarshal(lines.Bytes(), &r); err != nil {
			t.Fatalf("audit printed %q: %v", lines.Text(), err)
		}
		if r.Status != "ok" {
			t.Errorf("%s %s: %s: %s", r.ID, r.Name, r.Status, r.Reason)
			continue
		}
		ok++
	}
	// The audit of graphql-http 1.23.1 has 61 checks; fewer means it did
	// not run them all.
	if ok < 61 {
		t.Errorf("%d audits passed, want all 61", ok)
	}
}
