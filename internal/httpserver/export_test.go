package httpserver_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"tthc/internal/testdb"
)

// TestExportProceduresCSV checks the procedures export: a BOM, the
// Vietnamese header, one row a procedure of the filter, and text that a
// spreadsheet would run as a formula defused as in the proposals export.
func TestExportProceduresCSV(t *testing.T) {
	a := newCatalogAPI(t)
	code := a.strings(t, `SELECT code FROM procedures ORDER BY code LIMIT 1 OFFSET 10`)[0]
	a.exec(t, `UPDATE procedures SET name = '=HYPERLINK("http://x", "Bấm vào")', decision_number = '-1/QĐ',
		audiences = ARRAY['@công dân'] WHERE code = $1`, code)
	a.exec(t, `UPDATE sectors SET name = '+Hộ tịch' WHERE id = (SELECT sector_id FROM procedures WHERE code = $1)`, code)
	get := func(filter string) [][]string {
		t.Helper()
		target := "/export/procedures.csv"
		if filter != "" {
			target += "?filter=" + url.QueryEscape(filter)
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv; charset=utf-8") {
			t.Fatalf("%s: %d %s %s", target, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
		}
		body := rec.Body.Bytes()
		if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
			t.Fatalf("no UTF-8 BOM: %q", body[:min(len(body), 20)])
		}
		records, err := csv.NewReader(bytes.NewReader(body[3:])).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) == 0 || strings.Join(records[0], "|") != "Mã thủ tục|Tên thủ tục|Lĩnh vực|Cấp thực hiện|Loại thủ tục|"+
			"Đối tượng thực hiện|Cơ quan thực hiện|Nộp trực tuyến|Tình trạng|Quyết định công bố|Căn cứ pháp lý|Đường dẫn" {
			t.Fatalf("header: %q", records[0])
		}
		return records[1:]
	}
	rows := get("")
	if n := a.count(t, `SELECT count(*) FROM procedures`); len(rows) != n {
		t.Errorf("%d rows, want the %d procedures", len(rows), n)
	}
	found := false
	for _, r := range rows {
		if len(r) != 12 {
			t.Fatalf("row of %d fields: %q", len(r), r)
		}
		for i, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("row %s, column %d: formula not defused: %q", r[0], i, c)
			}
		}
		if r[0] == code {
			found = true
			if r[1] != `'=HYPERLINK("http://x", "Bấm vào")` || r[2] != "'+Hộ tịch" || r[5] != "'@công dân" || r[9] != "'-1/QĐ" {
				t.Errorf("the edited procedure: %q", r)
			}
		}
	}
	if !found {
		t.Errorf("procedure %s is missing", code)
	}
	// The filter of the API: the search finds the defused name.
	if rows := get(`{"search": "hyperlink"}`); len(rows) != 1 || rows[0][0] != code {
		t.Errorf("search hyperlink: %q", rows)
	}
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/export/procedures.csv?filter="+url.QueryEscape(`{"nope": 1}`), nil))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad filter: %d, want 400", rec.Code)
	}
}

// discard is a ResponseWriter that keeps nothing but the byte count, so
// that what the export holds in memory is what the server holds.
type discard struct {
	header http.Header
	status int
	n      int64
}

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) WriteHeader(status int)      { d.status = status }
func (d *discard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

// heapPeak runs fn while sampling the Go heap every millisecond and
// returns how far the heap in use rose above what it was before.
func heapPeak(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	return max(peak, ms.HeapAlloc) - base
}

// TestExportStreamsInConstantMemory exports the proposals of the
// national data set (200,000, `tthc generate --scale national --seed 1`,
// the template the postgres plan test reads) through the real handler
// into a writer that keeps nothing, and a quarter of them (about
// 10,000), sampling the heap: an export that held its rows would grow
// twenty-fold between the two.
func TestExportStreamsInConstantMemory(t *testing.T) {
	// Parallel, so it runs after the package's other tests: by then make
	// test's background build of the national data set is done.
	t.Parallel()
	u := testdb.National(t)
	a := newTokenAPI(t, u, testdb.Open(t, u))
	token := bearer(t, rAnalyst)
	export := func(filter string) (written int64, peak uint64, took time.Duration) {
		target := "/export/proposals.csv"
		if filter != "" {
			target += "?filter=" + url.QueryEscape(filter)
		}
		w := &discard{header: http.Header{}}
		start := time.Now()
		peak = heapPeak(func() {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("Authorization", token)
			a.handler.ServeHTTP(w, req)
		})
		if w.status != 0 && w.status != http.StatusOK {
			t.Fatalf("%s: status %d", target, w.status)
		}
		return w.n, peak, time.Since(start)
	}
	quarter := `{"created": {"from": "2024-01-01", "to": "2024-03-31"}}`
	total := a.count(t, `SELECT count(*) FROM proposals`)
	some := a.count(t, `SELECT count(*) FROM proposals WHERE created_at >= '2024-01-01 00:00+07' AND created_at < '2024-04-01 00:00+07'`)
	export(quarter) // warm the pool and the caches
	smallBytes, smallPeak, smallTook := export(quarter)
	allBytes, allPeak, allTook := export("")
	t.Logf("%d proposals: %d bytes of CSV in %s, heap peak +%.1f MiB; %d proposals: %d bytes in %s, heap peak +%.1f MiB",
		some, smallBytes, smallTook.Round(time.Millisecond), float64(smallPeak)/(1<<20),
		total, allBytes, allTook.Round(time.Millisecond), float64(allPeak)/(1<<20))
	if allBytes < 20*int64(total) {
		t.Fatalf("the whole export wrote %d bytes for %d proposals", allBytes, total)
	}
	// The heap of a streamed export depends on the batch, not on the
	// rows: the same order for 10,000 and 200,000 rows (the CSV of all
	// rows is 68 MB).
	if limit := 2*smallPeak + 16<<20; allPeak > limit {
		t.Errorf("exporting %d proposals raised the heap by %.1f MiB, %d proposals by %.1f MiB: not constant",
			total, float64(allPeak)/(1<<20), some, float64(smallPeak)/(1<<20))
	}
}
