package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

type report struct {
	Config    config            `json:"config"`
	Started   time.Time         `json:"started"`
	Finished  time.Time         `json:"finished"`
	Info      info              `json:"info"`
	Scenarios []*scenarioReport `json:"scenarios"`
	Samples   []sample          `json:"samples"`
	Soak      *soakReport       `json:"soak,omitempty"`
	// PortalSoak is S6's load on our server with its cache, for as long.
	PortalSoak *soakReport        `json:"portal_soak,omitempty"`
	HWM        map[string]float64 `json:"vm_hwm_mb,omitempty"` // peak RSS of each server over its life
}

type scenarioReport struct {
	ID            string          `json:"id"`
	Title         string          `json:"title"`
	Description   string          `json:"description"`
	Skipped       string          `json:"skipped,omitempty"`
	Systems       map[string]bool `json:"systems"`
	Notes         []string        `json:"notes,omitempty"`
	OursBytes     int             `json:"ours_response_bytes"`
	PGLBytes      int             `json:"postgraphile_response_bytes"`
	HeaderSQL     []int           `json:"ours_sql_per_variable_set"`
	CapturedSQL   []int           `json:"captured_sql_per_variable_set"`
	PageSizeCheck *pageCheck      `json:"page_size_check,omitempty"`
	Portal        bool            `json:"portal,omitempty"` // an S6 scenario

	scripts []string
}

type pageCheck struct {
	Var        string `json:"var"`
	Sizes      []int  `json:"sizes"`
	Statements []int  `json:"statements"`
	Error      string `json:"error,omitempty"`
}

func (p *pageCheck) flat() bool {
	if p == nil || p.Error != "" || len(p.Statements) == 0 {
		return false
	}
	for _, n := range p.Statements {
		if n != p.Statements[0] || n < 0 {
			return false
		}
	}
	return true
}

type sample struct {
	Scenario    string `json:"scenario"`
	System      string `json:"system"`
	Concurrency int    `json:"concurrency"`
	Round       int    `json:"round"`
	phase
}

type rssPoint struct {
	Seconds float64 `json:"s"`
	MB      float64 `json:"mb"`
}

type soakReport struct {
	Concurrency int        `json:"concurrency"`
	Duration    string     `json:"duration"`
	Scenarios   []string   `json:"scenarios"`
	Series      []rssPoint `json:"series"`
	phase
}

// flat says whether memory stayed flat: the last tenth of the soak uses at
// most 20% more than the second tenth (the first is warm-up).
func (s *soakReport) flat() (bool, float64, float64) {
	n := len(s.Series)
	if n < 10 {
		return false, 0, 0
	}
	avg := func(pts []rssPoint) float64 {
		var sum float64
		for _, p := range pts {
			sum += p.MB
		}
		return sum / float64(len(pts))
	}
	early := avg(s.Series[n/10 : n/5])
	late := avg(s.Series[n-n/10:])
	return late <= early*1.2, early, late
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// med is the median over the rounds of one system at one level.
type med struct {
	n                             int
	rps, p50, p95, p99, sql, hsql float64
	rss                           float64
	errors                        int
}

func (r *report) medians(scenario, system string, conc int) (med, bool) {
	var rps, p50, p95, p99, sql, hsql, rss []float64
	var m med
	for _, s := range r.Samples {
		if s.Scenario != scenario || s.System != system || s.Concurrency != conc {
			continue
		}
		m.n++
		m.errors += s.Errors
		rps = append(rps, s.RPS)
		p50 = append(p50, s.P50)
		p95 = append(p95, s.P95)
		p99 = append(p99, s.P99)
		sql = append(sql, s.SQLPerReq)
		hsql = append(hsql, s.HeaderSQL)
		rss = append(rss, s.PeakRSSMB)
	}
	if m.n == 0 {
		return m, false
	}
	m.rps, m.p50, m.p95, m.p99 = median(rps), median(p50), median(p95), median(p99)
	m.sql, m.hsql, m.rss = median(sql), median(hsql), median(rss)
	return m, true
}

func (r *report) write(c config) error {
	if c.JSON != "" {
		if err := os.MkdirAll(filepath.Dir(c.JSON), 0o755); err != nil {
			return err
		}
		b, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(c.JSON, b, 0o644); err != nil {
			return err
		}
	}
	md := r.markdown(c)
	if err := os.WriteFile(c.Out, []byte(md), 0o644); err != nil {
		return err
	}
	logf("wrote %s", c.Out)
	return nil
}

// rerender writes the report of an earlier run again from its JSON, with
// the current notes.
func rerender(jsonPath, out, notes string) error {
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		return err
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	c := r.Config
	c.Out, c.Notes = out, notes
	if err := os.WriteFile(out, []byte(r.markdown(c)), 0o644); err != nil {
		return err
	}
	logf("wrote %s from %s", out, jsonPath)
	return nil
}

func f1(v float64) string {
	if v < 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f", v)
}

func f2(v float64) string {
	if v < 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", v)
}

func ratio(a, b float64) string {
	if a <= 0 || b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func yes(ok bool) string {
	if ok {
		return "**holds**"
	}
	return "**does not hold**"
}

func (r *report) markdown(c config) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Load benchmark results\n\n")
	w("Generated by `make bench%s` (bench/run.sh → bench/cmd/bench); do not edit by hand: ", map[bool]string{true: "-quick", false: ""}[c.Mode == "quick"])
	w("hand-written notes belong in bench/OPTIMIZATIONS.md, which is copied in below. How to read and rerun it: bench/README.md.\n\n")
	w("- **Run**: %s, %s → %s (%s)\n", c.Mode, r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Finished.UTC().Format("15:04 MST"), r.Finished.Sub(r.Started).Round(time.Second))
	warm := fmt.Sprintf("after %s of warm-up (HTTP systems)", c.Warmup)
	if c.WarmupOnce {
		warm += " in the first round"
	}
	w("- **Load**: concurrency %s, %s measured per phase %s, %d rounds, systems alternating in rotating order; figures are medians over the rounds\n",
		joinInts(c.Concurrency), c.Duration, warm, c.Rounds)
	if c.Label != "" {
		w("- **Setup**: %s\n", c.Label)
	}
	r.Info.markdown(&b)
	w("\n")

	// Targets first: what a reader wants to know.
	w("## Targets\n\n")
	r.targets(&b, c)

	w("\n## Figures (medians over the rounds)\n\n")
	w("Throughput counts successful requests per second (pgbench: transactions, one per request's set of statements). Latency in ms. ")
	w("SQL/req is measured by pg_stat_statements over the phase (all statements the database ran, divided by the requests). ")
	w("ours/PGL is the throughput ratio (target ≥ 2) and the p99 ratio (target ≤ 1); ours/ceil the throughput ratio to pgbench.\n\n")
	base := slices.ContainsFunc(r.Samples, func(s sample) bool { return s.System == sysBase })
	baseHead, baseSep := "", ""
	if base {
		baseHead, baseSep = " ours/base req/s | ours/base p99 |", "---:|---:|"
	}
	w("| scenario | c | system | req/s | p50 | p95 | p99 | SQL/req | peak RSS MiB | errors | ours/PGL req/s | ours/PGL p99 | ours/ceil req/s |%s\n", baseHead)
	w("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%s\n", baseSep)
	for _, s := range r.Scenarios {
		if s.Skipped != "" {
			w("| %s | | skipped: %s | | | | | | | | | | |\n", s.ID, s.Skipped)
			continue
		}
		for _, conc := range c.Concurrency {
			ours, hasOurs := r.medians(s.ID, sysOurs, conc)
			pgl, hasPGL := r.medians(s.ID, sysPGL, conc)
			pgb, hasPGB := r.medians(s.ID, sysPGB, conc)
			bas, hasBase := r.medians(s.ID, sysBase, conc)
			for _, sys := range systems {
				m, ok := r.medians(s.ID, sys, conc)
				if !ok {
					continue
				}
				rss := "–"
				if m.rss > 0 {
					rss = f1(m.rss)
				}
				r1, r2, r3, r4 := "", "", "", ""
				if base {
					r4 = " | |"
				}
				if sys == sysOurs {
					if hasPGL {
						r1, r2 = ratio(ours.rps, pgl.rps), ratio(ours.p99, pgl.p99)
					}
					if hasPGB {
						r3 = ratio(ours.rps, pgb.rps)
					}
					if hasBase {
						r4 = " " + ratio(ours.rps, bas.rps) + " | " + ratio(ours.p99, bas.p99) + " |"
					}
				}
				_ = hasOurs
				w("| %s | %d | %s | %.0f | %s | %s | %s | %s | %s | %d | %s | %s | %s |%s\n",
					s.ID, conc, sys, m.rps, f2(m.p50), f2(m.p95), f2(m.p99), f2(m.sql), rss, m.errors, r1, r2, r3, r4)
			}
		}
	}

	r.portalFigures(&b, c)

	w("\n## Scenarios\n\n")
	w("| scenario | what | ours: statements per request (X-SQL-Statements) | captured for pgbench | response bytes ours / PostGraphile |\n|---|---|---|---|---|\n")
	for _, s := range r.Scenarios {
		if s.Skipped != "" {
			w("| %s | %s | skipped: %s | | |\n", s.ID, s.Title, s.Skipped)
			continue
		}
		w("| %s | %s | %s | %s | %d / %s |\n", s.ID, s.Title, joinInts(s.HeaderSQL), joinInts(s.CapturedSQL), s.OursBytes, map[bool]string{true: fmt.Sprint(s.PGLBytes), false: "–"}[s.Systems[sysPGL]])
	}
	notes := false
	for _, s := range r.Scenarios {
		for _, n := range s.Notes {
			if !notes {
				w("\nNotes from the checks before the load:\n\n")
				notes = true
			}
			w("- %s: %s\n", s.ID, n)
		}
	}

	w("\n## Memory\n\n")
	if len(r.HWM) > 0 {
		w("Peak resident memory over each server's life (VmHWM): ")
		var parts []string
		for _, sys := range []string{sysOurs, sysPGL, sysBase} {
			if v, ok := r.HWM[sys]; ok {
				parts = append(parts, fmt.Sprintf("%s %.1f MiB", sys, v))
			}
		}
		w("%s.\n\n", strings.Join(parts, ", "))
	}
	if r.Soak != nil && len(r.Soak.Series) > 0 {
		ok, early, late := r.Soak.flat()
		w("Soak: our server under %s of %s mixed, c=%d: %.0f req/s, p99 %.2f ms, %d errors of %d; RSS %.1f MiB early (second tenth) → %.1f MiB late (last tenth), peak %.1f MiB: %s.\n\n",
			r.Soak.Duration, strings.Join(r.Soak.Scenarios, "+"), r.Soak.Concurrency, r.Soak.RPS, r.Soak.P99, r.Soak.Errors, r.Soak.Requests, early, late, r.Soak.PeakRSSMB, map[bool]string{true: "flat", false: "not flat"}[ok])
		w("| s | RSS MiB |\n|---:|---:|\n")
		step := max(1, len(r.Soak.Series)/20)
		for i := 0; i < len(r.Soak.Series); i += step {
			p := r.Soak.Series[i]
			w("| %.0f | %.1f |\n", p.Seconds, p.MB)
		}
	} else {
		w("No soak in this run (`make bench` runs a ten-minute one).\n")
	}
	if s := r.PortalSoak; s != nil {
		ok, early, late := s.flat()
		w("\nSoak of the response cache: S6 on our server with its cache (CACHE_MAX_BYTES=%s) for %s, c=%d: %.0f req/s, p99 %.2f ms, %d errors of %d; RSS %.1f MiB early → %.1f MiB late, peak %.1f MiB: %s.\n",
			c.CacheMaxBytes, s.Duration, s.Concurrency, s.RPS, s.P99, s.Errors, s.Requests, early, late, s.PeakRSSMB, map[bool]string{true: "flat", false: "not flat"}[ok])
	}

	if notes, err := os.ReadFile(c.Notes); err == nil {
		w("\n## What each change bought\n\n(from bench/OPTIMIZATIONS.md)\n\n")
		b.Write(stripTitle(notes))
		w("\n")
	}

	w("\n## Raw figures (every phase)\n\n")
	w("| round | scenario | c | system | requests | errors | s | req/s | p50 | p95 | p99 | mean | SQL/req | X-SQL-Statements | peak RSS MiB |\n")
	w("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range r.Samples {
		w("| %d | %s | %d | %s | %d | %d | %.1f | %.1f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |\n",
			s.Round, s.Scenario, s.Concurrency, s.System, s.Requests, s.Errors, s.Seconds, s.RPS, s.P50, s.P95, s.P99, s.Mean, f2(s.SQLPerReq), f2(s.HeaderSQL), map[bool]string{true: f1(s.PeakRSSMB), false: "–"}[s.PeakRSSMB > 0])
	}
	var errs []string
	for _, s := range r.Samples {
		if s.FirstError != "" {
			errs = append(errs, fmt.Sprintf("- round %d %s %s c=%d: `%s`", s.Round, s.Scenario, s.System, s.Concurrency, strings.ReplaceAll(s.FirstError, "`", "'")))
		}
	}
	if len(errs) > 0 {
		w("\nFirst error of each phase that had errors:\n\n%s\n", strings.Join(errs, "\n"))
	}
	return b.String()
}

func stripTitle(b []byte) []byte {
	s := string(b)
	if strings.HasPrefix(s, "# ") {
		if _, rest, ok := strings.Cut(s, "\n"); ok {
			s = strings.TrimLeft(rest, "\n")
		}
	}
	// Headings of the notes go one level down, under this report's.
	s = strings.ReplaceAll("\n"+s, "\n## ", "\n### ")
	return []byte(strings.TrimPrefix(s, "\n"))
}

func joinInts(v []int) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}

// floorID is the scenario that measures the floor: our server answering
// an operation without SQL.
const floorID = "F0"

// floorTarget writes whether scenario id reaches 80 % of what the floor
// and the ceiling allow together: a request costs at least the server's
// floor plus the database's ceiling time, 1 / (1/floor + 1/ceiling) when
// both share the CPUs.
func (r *report) floorTarget(b *strings.Builder, c config, id string) {
	var figs []string
	ok, any := true, false
	for _, conc := range c.Concurrency {
		o, ok1 := r.medians(id, sysOurs, conc)
		f, ok2 := r.medians(floorID, sysOurs, conc)
		p, ok3 := r.medians(id, sysPGB, conc)
		if !ok1 || !ok2 || !ok3 || f.rps <= 0 || p.rps <= 0 {
			continue
		}
		bound := 1 / (1/f.rps + 1/p.rps)
		figs = append(figs, fmt.Sprintf("c=%d: %.0f of %.0f req/s = %.2f", conc, o.rps, bound, o.rps/bound))
		ok = ok && o.rps >= 0.8*bound
		any = true
	}
	if !any {
		fmt.Fprintf(b, "| throughput ≥ 80 %% of 1/(1/floor + 1/ceiling) | %s | floor or ceiling not run | not measured |\n", id)
		return
	}
	fmt.Fprintf(b, "| throughput ≥ 80 %% of 1/(1/floor + 1/ceiling) | %s | %s | %s |\n", id, strings.Join(figs, ", "), yes(ok))
}

// targets writes the targets and whether this run meets each.
func (r *report) targets(b *strings.Builder, c config) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("| target | scenario | figures (per concurrency) | verdict |\n|---|---|---|---|\n")
	for _, s := range r.Scenarios {
		if s.Skipped != "" {
			w("| all | %s | skipped: %s | not measured |\n", s.ID, s.Skipped)
			continue
		}
		if s.Portal {
			r.portalTargets(b, c, s)
			continue
		}
		if s.ID == floorID {
			var figs []string
			for _, conc := range c.Concurrency {
				if o, ok := r.medians(s.ID, sysOurs, conc); ok {
					figs = append(figs, fmt.Sprintf("c=%d: %.0f req/s", conc, o.rps))
				}
			}
			w("| the floor: our server without SQL | %s | %s | measured |\n", s.ID, strings.Join(figs, ", "))
			continue
		}
		if !s.Systems[sysPGL] {
			w("| throughput ≥ 2× PostGraphile, p99 ≤ | %s | PostGraphile not run on it | not measured |\n", s.ID)
		} else {
			var figs, p99s []string
			okRPS, okP99 := true, true
			for _, conc := range c.Concurrency {
				o, ok1 := r.medians(s.ID, sysOurs, conc)
				p, ok2 := r.medians(s.ID, sysPGL, conc)
				if !ok1 || !ok2 || p.rps <= 0 {
					okRPS, okP99 = false, false
					continue
				}
				figs = append(figs, fmt.Sprintf("c=%d: %.2f×", conc, o.rps/p.rps))
				p99s = append(p99s, fmt.Sprintf("c=%d: %.2f vs %.2f ms", conc, o.p99, p.p99))
				okRPS = okRPS && o.rps >= 2*p.rps
				okP99 = okP99 && o.p99 <= p.p99
			}
			w("| throughput ≥ 2× PostGraphile | %s | %s | %s |\n", s.ID, strings.Join(figs, ", "), yes(okRPS))
			w("| p99 ≤ PostGraphile's | %s | %s | %s |\n", s.ID, strings.Join(p99s, ", "), yes(okP99))
		}
		if s.ID == "S1" || s.ID == "S5" {
			if !s.Systems[sysPGB] {
				w("| throughput ≥ ½ pgbench ceiling | %s | pgbench not run | not measured |\n", s.ID)
			} else {
				var figs []string
				ok := true
				for _, conc := range c.Concurrency {
					o, ok1 := r.medians(s.ID, sysOurs, conc)
					p, ok2 := r.medians(s.ID, sysPGB, conc)
					if !ok1 || !ok2 || p.rps <= 0 {
						ok = false
						continue
					}
					figs = append(figs, fmt.Sprintf("c=%d: %.2f", conc, o.rps/p.rps))
					ok = ok && o.rps >= 0.5*p.rps
				}
				w("| throughput ≥ ½ pgbench ceiling | %s | %s | %s |\n", s.ID, strings.Join(figs, ", "), yes(ok))
			}
		}
		if s.ID == "S5" {
			r.floorTarget(b, c, s.ID)
		}
		if s.PageSizeCheck != nil {
			pc := s.PageSizeCheck
			fig := pc.Error
			if fig == "" {
				var parts []string
				for i := range pc.Sizes {
					parts = append(parts, fmt.Sprintf("%s=%d: %d", pc.Var, pc.Sizes[i], pc.Statements[i]))
				}
				fig = strings.Join(parts, ", ") + " statements"
			}
			w("| SQL statements per request do not grow with page size | %s | %s | %s |\n", s.ID, fig, yes(pc.flat()))
		}
	}
	if r.Soak != nil && len(r.Soak.Series) > 0 {
		ok, early, late := r.Soak.flat()
		w("| memory flat under a %s load | all | RSS %.1f → %.1f MiB | %s |\n", r.Soak.Duration, early, late, yes(ok))
	} else {
		w("| memory flat under a ten-minute load | all | no soak of S1–S5 in this %s run | not measured |\n", c.Mode)
	}
	if s := r.PortalSoak; s != nil {
		r.portalMemoryTarget(w, c, s)
	}
}

// portalMemoryTarget writes S6's memory target: over the soak, our server
// with its cache stays within CACHE_MAX_BYTES plus the server's usual
// footprint (the uncached instance's peak under S6) and flat.
func (r *report) portalMemoryTarget(w func(string, ...any), c config, s *soakReport) {
	footprint := 0.0
	for _, x := range r.Samples {
		if x.Scenario == "S6" && x.System == sysNoCache {
			footprint = max(footprint, x.PeakRSSMB)
		}
	}
	maxBytes, err := strconv.ParseFloat(c.CacheMaxBytes, 64)
	if footprint == 0 || err != nil {
		w("| memory within CACHE_MAX_BYTES + footprint over the soak | S6 | no footprint measured | not measured |\n")
		return
	}
	bound := footprint + maxBytes/(1<<20)
	flat, early, late := s.flat()
	w("| memory within CACHE_MAX_BYTES + footprint over the soak | S6 | peak %.1f MiB ≤ %.1f (%.0f MiB cache + %.1f MiB uncached peak); RSS %.1f → %.1f MiB | %s |\n",
		s.PeakRSSMB, bound, maxBytes/(1<<20), footprint, early, late, yes(s.PeakRSSMB <= bound && flat))
}
