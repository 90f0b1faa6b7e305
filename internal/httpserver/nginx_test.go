package httpserver_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tthc/internal/cache"
	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// TestNginxExample runs deploy/nginx.conf, as written but for its ports,
// in front of two instances: nginx keeps the public GETs for max-age,
// then revalidates them with the API's ETags (a 304 runs nothing), brings
// a change once max-age is past, and passes anything with a token by.
func TestNginxExample(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx" // root's PATH has it; others' may not
	}
	a, versions, _ := newCacheAPI(t, 1<<20, func(cfg *httpserver.Config) {
		// Fresh for a second, then revalidated (nginx keeps nothing
		// with max-age=0).
		c, err := cache.New(cache.Config{MaxBytes: 1 << 20, MaxAge: time.Second}, cfg.Versions)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		cfg.Cache = c
	})
	one, two := httptest.NewServer(a.handler), httptest.NewServer(a.handler)
	t.Cleanup(one.Close)
	t.Cleanup(two.Close)

	conf, err := os.ReadFile(filepath.Join(testdb.ModuleRoot(), "deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	text := strings.NewReplacer(
		"127.0.0.1:8081", one.Listener.Addr().String(),
		"127.0.0.1:8082", two.Listener.Addr().String(),
		"listen 8080;", "listen "+addr+";",
	).Replace(string(conf))
	if text == string(conf) || !strings.Contains(text, "listen "+addr) {
		t.Fatal("deploy/nginx.conf no longer has the ports this test replaces")
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// As root, nginx's workers run as this user too, so they can write
	// the cache in the temporary folder.
	cmd := exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off; user root;")
	if os.Getuid() != 0 {
		cmd = exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("nginx (scripts/test.sh installs it): %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "logs", "error.log"))
			t.Logf("nginx: %s\n%s", out, b)
		}
	})

	client := &http.Client{Timeout: 30 * time.Second}
	u := "http://" + addr + "/graphql?" + url.Values{"query": {nameQuery}, "variables": {`{"code":"1.000001"}`}}.Encode()
	get := func(headers ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, string(b)
	}
	waitFor(t, "nginx to listen", func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	first, body := get()
	if first.StatusCode != http.StatusOK || first.Header.Get("X-Cache-Status") != "MISS" || !strings.Contains(body, "Thủ tục một") {
		t.Fatalf("first GET through nginx: %d %v %s", first.StatusCode, first.Header, body)
	}
	if res, b := get(); res.Header.Get("X-Cache-Status") != "HIT" || b != body {
		t.Errorf("second GET within max-age: X-Cache-Status %q, want HIT with the same answer", res.Header.Get("X-Cache-Status"))
	}
	// Past max-age, nginx asks the API again with the ETag it kept; the
	// API answers 304 and nginx serves what it kept.
	time.Sleep(2100 * time.Millisecond) // nginx counts whole seconds
	if res, b := get(); res.Header.Get("X-Cache-Status") != "REVALIDATED" || b != body {
		t.Errorf("past max-age: X-Cache-Status %q, want REVALIDATED with the same answer", res.Header.Get("X-Cache-Status"))
	}

	// A change: once max-age is past, the revalidation brings the new
	// answer, never the old one.
	a.exec(t, `UPDATE procedures SET name = 'Thủ tục hai' WHERE code = '1.000001'`)
	v := int64(a.count(t, `SELECT version FROM catalog_version`))
	waitFor(t, "the change to be announced", func() bool { n, ok := versions.Current(); return ok && n >= v })
	time.Sleep(2100 * time.Millisecond) // nginx counts whole seconds
	if res, b := get(); !strings.Contains(b, "Thủ tục hai") || res.Header.Get("X-Cache-Status") != "EXPIRED" {
		t.Errorf("after the change: %v %s", res.Header, b)
	}

	// A token passes by the shared cache, and is not kept.
	token := bearer(t, rAnalyst)
	for range 2 {
		res, _ := get("Authorization", token)
		if res.Header.Get("X-Cache-Status") != "BYPASS" || res.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("with a token: X-Cache-Status %q, Cache-Control %q", res.Header.Get("X-Cache-Status"), res.Header.Get("Cache-Control"))
		}
	}
}
