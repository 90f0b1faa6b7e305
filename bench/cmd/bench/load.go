package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// phase is what one timed run of one system at one concurrency measured.
type phase struct {
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"`
	Seconds    float64 `json:"seconds"`
	RPS        float64 `json:"rps"` // successful requests per second
	P50        float64 `json:"p50_ms"`
	P95        float64 `json:"p95_ms"`
	P99        float64 `json:"p99_ms"`
	Mean       float64 `json:"mean_ms"`
	SQLPerReq  float64 `json:"sql_per_req"`        // from pg_stat_statements; -1 when unknown
	HeaderSQL  float64 `json:"header_sql_per_req"` // X-SQL-Statements mean; -1 without the header
	PeakRSSMB  float64 `json:"peak_rss_mb"`        // sampled during the phase; 0 when not measured
	FirstError string  `json:"first_error,omitempty"`
	// The portal scenarios (S6): answers from the response cache
	// (X-Cache: HIT), 304s, catalog writes during the phase, answers
	// checked against them, of which stale (older than a write finished
	// before the request was sent), stale past staleGrace, and the
	// longest staleness.
	Hits        int     `json:"hits,omitempty"`
	NotModified int     `json:"not_modified,omitempty"`
	Writes      int     `json:"writes,omitempty"`
	Checked     int     `json:"checked,omitempty"`
	Stale       int     `json:"stale,omitempty"`
	StaleLate   int     `json:"stale_late,omitempty"`
	StaleMaxMS  float64 `json:"stale_max_ms,omitempty"`
}

// checkLoopback refuses any target that is not on this machine.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s: the bench only sends traffic to 127.0.0.1 or localhost", raw)
}

// newClient returns an HTTP client that keeps up to conns connections to
// one host alive and never goes through a proxy.
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			DisableCompression:  true,
		},
	}
}

var errorsKey = []byte(`"errors":[`)

// attack runs a closed loop: conc workers each send a request, wait for
// the answer and send the next, for dur (vegeta with an unbounded rate and
// as many workers as the concurrency). Bodies are cycled through.
func attack(client *http.Client, target string, bodies [][]byte, conc int, dur time.Duration, extra http.Header) phase {
	var n atomic.Uint64
	header := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	for k, v := range extra {
		header[k] = v
	}
	targeter := func(t *vegeta.Target) error {
		i := n.Add(1) - 1
		t.Method = http.MethodPost
		t.URL = target
		t.Body = bodies[i%uint64(len(bodies))]
		t.Header = header
		return nil
	}
	atk := vegeta.NewAttacker(
		vegeta.Client(client),
		vegeta.Workers(uint64(conc)),
		vegeta.MaxWorkers(uint64(conc)),
	)
	var (
		p          phase
		lat        = make([]time.Duration, 0, 1<<16)
		stmts      int64
		withHeader int
		start      = time.Now()
		end        time.Time
	)
	for r := range atk.Attack(targeter, vegeta.Rate{Freq: 0}, dur, "") {
		p.Requests++
		if e := r.Timestamp.Add(r.Latency); e.After(end) {
			end = e
		}
		failed := r.Error != "" || r.Code != http.StatusOK || bytes.Contains(r.Body, errorsKey)
		if failed {
			p.Errors++
			if p.FirstError == "" {
				p.FirstError = fmt.Sprintf("HTTP %d %s %.300s", r.Code, r.Error, r.Body)
			}
			continue
		}
		lat = append(lat, r.Latency)
		if h := r.Headers.Get("X-SQL-Statements"); h != "" {
			if v, err := strconv.ParseInt(h, 10, 64); err == nil {
				stmts += v
				withHeader++
			}
		}
	}
	p.Seconds = end.Sub(start).Seconds()
	if p.Seconds > 0 {
		p.RPS = float64(len(lat)) / p.Seconds
	}
	p.P50, p.P95, p.P99, p.Mean = quantiles(lat)
	p.HeaderSQL = -1
	if withHeader > 0 {
		p.HeaderSQL = float64(stmts) / float64(withHeader)
	}
	return p
}

// quantiles returns the exact p50, p95, p99 and mean of lat, in ms.
func quantiles(lat []time.Duration) (p50, p95, p99, mean float64) {
	if len(lat) == 0 {
		return 0, 0, 0, 0
	}
	slices.Sort(lat)
	q := func(f float64) float64 {
		i := int(f*float64(len(lat))+0.5) - 1
		i = max(0, min(i, len(lat)-1))
		return ms(lat[i])
	}
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	return q(0.50), q(0.95), q(0.99), ms(sum) / float64(len(lat))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rssSampler records the peak resident memory of a process while it runs.
type rssSampler struct {
	pid  int
	stop chan struct{}
	done sync.WaitGroup
	peak atomic.Int64 // kB
	// series, when set, receives a sample every interval.
	series func(t time.Duration, kb int64)
}

func sampleRSS(pid int, every time.Duration, series func(time.Duration, int64)) *rssSampler {
	s := &rssSampler{pid: pid, stop: make(chan struct{}), series: series}
	if pid <= 0 {
		return s
	}
	s.done.Add(1)
	go func() {
		defer s.done.Done()
		start := time.Now()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if kb, err := procStatus(pid, "VmRSS"); err == nil {
				if kb > s.peak.Load() {
					s.peak.Store(kb)
				}
				if s.series != nil {
					s.series(time.Since(start), kb)
				}
			}
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// Stop ends the sampling and returns the peak in MiB.
func (s *rssSampler) Stop() float64 {
	close(s.stop)
	s.done.Wait()
	return float64(s.peak.Load()) / 1024
}

// procStatus reads a kB field such as VmRSS or VmHWM of /proc/PID/status.
func procStatus(pid int, field string) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			v := strings.Fields(rest)
			if len(v) > 0 {
				return strconv.ParseInt(v[0], 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
