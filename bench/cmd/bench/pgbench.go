package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// runPgbench runs the scripts (one per variable set, equal weights) with
// pgbench -M prepared at conc clients for dur, and reads its throughput and
// its per-transaction log for the latency quantiles.
func runPgbench(ctx context.Context, bin, dbURL string, scripts []string, conc int, dur time.Duration, workDir string) (phase, error) {
	var p phase
	secs := max(1, int(dur.Round(time.Second)/time.Second))
	logDir, err := os.MkdirTemp(workDir, "pgbench-log-")
	if err != nil {
		return p, err
	}
	defer os.RemoveAll(logDir)
	args := []string{"-n", "-M", "prepared", "-c", strconv.Itoa(conc), "-j", strconv.Itoa(min(conc, 2)),
		"-T", strconv.Itoa(secs), "-l", "--log-prefix", filepath.Join(logDir, "tx")}
	for _, s := range scripts {
		args = append(args, "-f", s)
	}
	args = append(args, dbURL)
	cmd := exec.CommandContext(ctx, bin, args...)
	out, runErr := cmd.CombinedOutput()
	text := string(out)
	if m := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`).FindStringSubmatch(text); m != nil {
		p.RPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := regexp.MustCompile(`number of failed transactions: (\d+)`).FindStringSubmatch(text); m != nil {
		p.Errors, _ = strconv.Atoi(m[1])
	}
	if runErr != nil {
		p.Errors++
		p.FirstError = fmt.Sprintf("pgbench: %v: %.500s", runErr, lastLines(text, 5))
	}
	lat, err := readPgbenchLogs(logDir)
	if err != nil {
		return p, err
	}
	p.Requests = len(lat) + p.Errors
	p.Seconds = float64(secs)
	p.P50, p.P95, p.P99, p.Mean = quantiles(lat)
	p.HeaderSQL = -1
	if p.RPS == 0 && runErr == nil {
		return p, fmt.Errorf("pgbench printed no tps: %s", lastLines(text, 5))
	}
	return p, nil
}

// readPgbenchLogs reads "client_id transaction_no time script_no
// time_epoch time_us" lines, time being the latency in µs.
func readPgbenchLogs(dir string) ([]time.Duration, error) {
	files, err := filepath.Glob(filepath.Join(dir, "tx*"))
	if err != nil {
		return nil, err
	}
	var lat []time.Duration
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 3 {
				continue
			}
			us, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue // "failed" or "skipped"
			}
			lat = append(lat, time.Duration(us)*time.Microsecond)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return lat, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
