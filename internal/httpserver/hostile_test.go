package httpserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tthc/internal/httpserver"
	"tthc/internal/testdb"
)

// fanOut is the fragment fan-out: n+1 fragments, each spreading the one
// before twice, 2^n fields once expanded in 1.2 KB for n = 30.
func fanOut(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "query{...L%d} fragment L0 on Query{__typename}", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, " fragment L%d on Query{...L%d ...L%d}", i, i-1, i-1)
	}
	return b.String()
}

// hostileDocuments are documents whose parse, validation or cost
// analysis would keep a CPU busy, with the code that refuses each.
var hostileDocuments = map[string]struct{ query, code string }{
	"fragment fan-out":         {fanOut(30), "FIELD_LIMIT_EXCEEDED"},
	"duplicated field":         {"{" + strings.Repeat("authorityLevels { code } ", 10000) + "}", "TOKEN_LIMIT_EXCEEDED"},
	"duplicated scalar field":  {"{" + strings.Repeat("__typename ", 10000) + "}", "FIELD_LIMIT_EXCEEDED"},
	"aliases":                  {"{" + strings.Repeat("a: __typename ", 400) + "}", "ALIAS_LIMIT_EXCEEDED"},
	"directives":               {"{__typename" + strings.Repeat(" @include(if: true)", 400) + "}", "DIRECTIVE_LIMIT_EXCEEDED"},
	"a megabyte of tokens":     {"{__typename}" + strings.Repeat("#\n", 250000), "TOKEN_LIMIT_EXCEEDED"},
	"duplicated nested fields": {"{ sectors { " + strings.Repeat("ministry { name } ", 2000) + "} }", "FIELD_LIMIT_EXCEEDED"},
}

// TestHostileDocuments checks that each hostile document is refused
// before it runs with its stable code and a request-error status.
func TestHostileDocuments(t *testing.T) {
	a := newAPI(t, testdb.New(t), httpserver.Config{})
	for name, d := range hostileDocuments {
		t.Run(name, func(t *testing.T) {
			checkError(t, a.post(t, d.query, nil, "Accept", graphqlResponse), http.StatusBadRequest, d.code)
			checkError(t, a.post(t, d.query, nil), http.StatusOK, d.code)
		})
	}
}

// ordinaryQuery is what a citizen's app asks for.
const ordinaryQuery = `{ procedures(first: 20, filter: {search: "ho tich"}) { totalCount nodes { code name levels { code } sector { name } } } }`

// TestFlood floods the server with the fragment fan-out and the
// duplicated-field document from many clients while one client runs
// ordinary queries: every ordinary query is answered, every hostile one
// refused with its code. Before the document limits, the fan-out held
// every MAX_IN_FLIGHT place at full CPU and the ordinary queries got 503
// TIMEOUT. bench/HOSTILE.md has the timings.
func TestFlood(t *testing.T) {
	a := newAPI(t, testdb.Catalog(t), httpserver.Config{MaxInFlight: 4, RequestTimeout: 10 * time.Second})
	srv := httptest.NewServer(a.handler)
	t.Cleanup(srv.Close)

	post := func(query string) (int, string, error) {
		body, _ := json.Marshal(map[string]any{"query": query})
		res, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		return res.StatusCode, string(b), err
	}
	flood := []struct{ query, code string }{
		hostileDocuments["fragment fan-out"],
		hostileDocuments["duplicated scalar field"],
		hostileDocuments["duplicated nested fields"],
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var refused atomic.Int64
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := flood[i%len(flood)]
			for {
				select {
				case <-stop:
					return
				default:
				}
				status, body, err := post(d.query)
				if err != nil {
					t.Errorf("hostile client: %v", err)
					return
				}
				if status != http.StatusOK || strings.Contains(body, `"data"`) || !strings.Contains(body, `"code":"`+d.code+`"`) {
					t.Errorf("hostile document answered %d %.300s; want 200, no data, %s", status, body, d.code)
					return
				}
				refused.Add(1)
			}
		}()
	}

	for i := range 20 {
		status, body, err := post(ordinaryQuery)
		if err != nil || status != http.StatusOK || strings.Contains(body, `"errors"`) || !strings.Contains(body, `"totalCount"`) {
			t.Fatalf("ordinary query %d during the flood: %d %v %.300s", i, status, err, body)
		}
	}
	close(stop)
	wg.Wait()
	if refused.Load() == 0 {
		t.Error("no hostile document was sent")
	}
}

// BenchmarkFlood measures an ordinary query on a quiet server and while
// eight clients send the hostile documents without pause, and what each
// hostile document costs the server. bench/HOSTILE.md has the results.
func BenchmarkFlood(b *testing.B) {
	a := newAPI(b, testdb.Catalog(b), httpserver.Config{MaxInFlight: 4, RequestTimeout: 10 * time.Second})
	srv := httptest.NewServer(a.handler)
	b.Cleanup(srv.Close)
	// Clients of application/graphql-response+json get refusals as 400.
	post := func(query string) int {
		body, _ := json.Marshal(map[string]any{"query": query})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", graphqlResponse)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	b.Run("ordinary query, quiet", func(b *testing.B) {
		for b.Loop() {
			post(ordinaryQuery)
		}
	})
	for name, d := range hostileDocuments {
		b.Run("refuse "+name, func(b *testing.B) {
			for b.Loop() {
				if post(d.query) == http.StatusOK {
					b.Fatal("not refused")
				}
			}
		})
	}
	b.Run("ordinary query, flooded", func(b *testing.B) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for i := range 8 {
			d := []string{fanOut(30), hostileDocuments["duplicated scalar field"].query}[i%2]
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						post(d)
					}
				}
			})
		}
		for b.Loop() {
			post(ordinaryQuery)
		}
		close(stop)
		wg.Wait()
	})
}
