package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// info describes the machine, the versions and the data of a run.
type info struct {
	Host         string            `json:"host"`
	CPUs         int               `json:"cpus"`
	CPUModel     string            `json:"cpu_model"`
	MemoryGiB    float64           `json:"memory_gib"`
	Kernel       string            `json:"kernel"`
	LoadBefore   string            `json:"load_before"`
	Go           string            `json:"go"`
	PostgreSQL   string            `json:"postgresql"`
	Pgbench      string            `json:"pgbench"`
	Node         string            `json:"node"`
	PostGraphile string            `json:"postgraphile"`
	Commit       string            `json:"commit"`
	Data         map[string]int64  `json:"data"`
	Settings     map[string]string `json:"pg_settings"`
}

func collectInfo(ctx context.Context, db *sql.DB, c config) info {
	in := info{CPUs: runtime.NumCPU(), Go: runtime.Version(), Data: map[string]int64{}, Settings: map[string]string{}}
	in.Host, _ = os.Hostname()
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				in.CPUModel = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if kb, err := procMeminfo("MemTotal"); err == nil {
		in.MemoryGiB = float64(kb) / (1 << 20)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		in.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		in.LoadBefore = strings.Join(strings.Fields(string(b))[:3], " ")
	}
	db.QueryRowContext(ctx, `SHOW server_version`).Scan(&in.PostgreSQL)
	in.Pgbench = cmdOutput(c.Pgbench, "--version")
	if c.Node != "" {
		in.Node = cmdOutput(c.Node, "--version")
	}
	if b, err := os.ReadFile(filepath.Join(c.PGLDir, "node_modules", "postgraphile", "package.json")); err == nil {
		var pkg struct{ Version string }
		if json.Unmarshal(b, &pkg) == nil {
			in.PostGraphile = pkg.Version
		}
	}
	in.Commit = cmdOutput("git", "rev-parse", "--short", "HEAD")
	if st := cmdOutput("git", "status", "--porcelain", "--untracked-files=no"); st != "" {
		in.Commit += " (with uncommitted changes)"
	}
	for _, t := range []string{"procedures", "procedure_levels", "procedure_channels", "procedure_documents", "procedure_legal_documents", "legal_documents", "sectors", "administrative_units", "proposals"} {
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err == nil {
			in.Data[t] = n
		}
	}
	for _, s := range []string{"shared_buffers", "max_connections", "fsync", "jit"} {
		var v string
		if err := db.QueryRowContext(ctx, `SELECT current_setting($1)`, s).Scan(&v); err == nil {
			in.Settings[s] = v
		}
	}
	return in
}

func cmdOutput(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func procMeminfo(field string) (int64, error) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == field {
			var n int64
			_, err := fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &n)
			return n, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc/meminfo", field)
}

func (in info) markdown(b *strings.Builder) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("- **Machine**: %d CPUs (%s), %.1f GiB memory, Linux %s; load average before the run %s. ", in.CPUs, in.CPUModel, in.MemoryGiB, in.Kernel, in.LoadBefore)
	w("The load generator, the servers and PostgreSQL share these CPUs.\n")
	w("- **Versions**: our server at %s, %s; PostgreSQL %s (%s); %s; PostGraphile %s on Node %s\n",
		in.Commit, in.Go, in.PostgreSQL, settings(in.Settings), in.Pgbench, in.PostGraphile, in.Node)
	var parts []string
	for _, t := range []string{"procedures", "procedure_levels", "procedure_channels", "procedure_documents", "procedure_legal_documents", "legal_documents", "sectors", "administrative_units", "proposals"} {
		if n, ok := in.Data[t]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", t, n))
		}
	}
	w("- **Data**: %s\n", strings.Join(parts, ", "))
}

func settings(m map[string]string) string {
	var parts []string
	for _, k := range []string{"shared_buffers", "max_connections", "fsync", "jit"} {
		if v, ok := m[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, ", ")
}
