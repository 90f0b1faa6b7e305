package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"tthc/graph"
)

// slowServer serves h with short timeouts and returns its address.
func slowServer(t *testing.T, h http.Handler) string {
	t.Helper()
	env := map[string]string{"DATABASE_URL": "postgres://x", "READ_HEADER_TIMEOUT": "300ms", "READ_TIMEOUT": "600ms",
		"WRITE_TIMEOUT": "600ms", "IDLE_TIMEOUT": "300ms", "MAX_HEADER_BYTES": "4096"}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(cfg.HTTP, h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// dial connects to addr; the test gives up on the connection after 30 s.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(30 * time.Second))
	t.Cleanup(func() { c.Close() })
	return c
}

// trickle writes s one byte at a time, pausing between bytes, and
// reports how many bytes went out before the server closed the
// connection.
func trickle(c net.Conn, s string, pause time.Duration) int {
	for i := range len(s) {
		if _, err := c.Write([]byte{s[i]}); err != nil {
			return i
		}
		time.Sleep(pause)
	}
	return len(s)
}

// closedByServer tells whether the server ended the connection: a
// response or end of file, before the test's own deadline.
func closedByServer(t *testing.T, c net.Conn) bool {
	t.Helper()
	_, err := io.ReadAll(c)
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return false
	}
	return true
}

// TestSlowClients checks that a client that sends its headers or body a
// byte at a time, sends too large headers, stops reading the response or
// idles on a kept-alive connection loses the connection to the server's
// timeouts and limits.
func TestSlowClients(t *testing.T) {
	written := make(chan error, 1)
	addr := slowServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/big" {
			// A response far larger than the socket buffers.
			chunk := []byte(strings.Repeat("x", 1<<20))
			var err error
			for i := 0; i < 256 && err == nil; i++ {
				_, err = w.Write(chunk)
			}
			written <- err
			return
		}
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "could not read the body", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "read %d bytes", len(b))
	}))

	t.Run("slow headers", func(t *testing.T) {
		c := dial(t, addr)
		const req = "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
		if sent := trickle(c, req, 50*time.Millisecond); sent == len(req) {
			t.Errorf("the server waited for headers sent over %s", time.Duration(len(req))*50*time.Millisecond)
		}
	})

	t.Run("slow body", func(t *testing.T) {
		c := dial(t, addr)
		body := strings.Repeat("x", 100)
		fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(body))
		sent := trickle(c, body, 50*time.Millisecond)
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if sent == len(body) && err == nil && res.StatusCode == http.StatusOK {
			b, _ := io.ReadAll(res.Body)
			t.Errorf("the server read a body sent over 5 s: %s", b)
		}
	})

	t.Run("large headers", func(t *testing.T) {
		c := dial(t, addr)
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: %s\r\n\r\n", strings.Repeat("x", 64<<10))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("64 KiB of headers: status %d, want 431", res.StatusCode)
		}
	})

	t.Run("idle connection", func(t *testing.T) {
		c := dial(t, addr)
		fmt.Fprint(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		r := bufio.NewReader(c)
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		if !closedByServer(t, c) {
			t.Error("the server kept an idle connection open for 30 s")
		}
	})

	t.Run("client that stops reading", func(t *testing.T) {
		c := dial(t, addr)
		fmt.Fprint(c, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
		// Read nothing: the handler's writes block once the buffers are
		// full, until the write deadline.
		select {
		case err := <-written:
			if err == nil {
				t.Error("256 MiB went to a client that read nothing")
			}
		case <-time.After(30 * time.Second):
			t.Error("the handler was still writing to a client that read nothing after 30 s")
		}
	})
}

// TestHTTPConfig checks the defaults of the HTTP server's limits and that
// the write timeout outlasts a request's read and run.
func TestHTTPConfig(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://x"}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := httpConfig{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 20 * time.Second,
		WriteTimeout: 65 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	if cfg.HTTP != want {
		t.Errorf("defaults %+v, want %+v", cfg.HTTP, want)
	}
	env["REQUEST_TIMEOUT"] = "1m"
	if cfg, _ = loadConfig(func(k string) string { return env[k] }); cfg.HTTP.WriteTimeout != 110*time.Second {
		t.Errorf("REQUEST_TIMEOUT=1m: WRITE_TIMEOUT %s, want 1m50s", cfg.HTTP.WriteTimeout)
	}
	env["READ_TIMEOUT"] = "soon"
	if _, err := loadConfig(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "READ_TIMEOUT") {
		t.Errorf("READ_TIMEOUT=soon: %v", err)
	}
}

// TestLimitsConfig checks that each limit of a GraphQL client is read
// from its variable.
func TestLimitsConfig(t *testing.T) {
	env := map[string]string{"DATABASE_URL": "postgres://x", "MAX_QUERY_TOKENS": "1", "MAX_QUERY_FIELDS": "2",
		"MAX_QUERY_ALIASES": "3", "MAX_QUERY_DIRECTIVES": "4", "MAX_SUBSCRIPTIONS_PER_CONNECTION": "5",
		"MAX_SUBSCRIPTIONS_PER_SUBJECT": "6"}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := graph.Limits{MaxTokens: 1, MaxFields: 2, MaxAliases: 3, MaxDirectives: 4,
		MaxSubscriptionsPerConnection: 5, MaxSubscriptionsPerSubject: 6, MaxMessageBytes: graph.DefaultLimits.MaxMessageBytes}
	if cfg.Limits != want {
		t.Errorf("limits %+v, want %+v", cfg.Limits, want)
	}
}
