package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The ceiling runs, with pgbench, the very statements our server runs for
// each variable set. They are captured from PostgreSQL's log: run.sh starts
// a second instance of our server whose connections have
// log_statement=all, the harness sends it each request alone and reads
// what the log gained meanwhile.

// logEntry is one message of PostgreSQL's stderr log (log_line_prefix
// '%m [%p] '): the backend's pid, the severity and the text, continuation
// lines included.
type logEntry struct {
	pid   string
	level string
	text  string
}

var logLine = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] ([A-Z]+):  (.*)$`)

func parseLog(r io.Reader) ([]logEntry, error) {
	var out []logEntry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := logLine.FindStringSubmatch(line); m != nil {
			out = append(out, logEntry{pid: m[1], level: m[2], text: m[3]})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].text += "\n" + line
		}
	}
	return out, sc.Err()
}

// statementsOf returns the SQL of the statements in a log excerpt, with
// the parameters of extended-protocol statements put in as literals.
func statementsOf(entries []logEntry) ([]string, error) {
	var out []string
	pending := map[string]int{} // pid -> index in out of its statement awaiting parameters
	for _, e := range entries {
		switch e.level {
		case "LOG":
			var sql string
			if s, ok := strings.CutPrefix(e.text, "statement: "); ok {
				sql = s
				delete(pending, e.pid)
			} else if _, s, ok := strings.Cut(e.text, "execute "); ok && strings.HasPrefix(e.text, "execute ") {
				// execute <unnamed>: SQL  or  execute S_1: SQL
				_, sql, _ = strings.Cut(s, ": ")
				pending[e.pid] = len(out)
			} else {
				continue
			}
			out = append(out, strings.TrimSpace(sql))
		case "DETAIL":
			i, ok := pending[e.pid]
			rest, isParams := strings.CutPrefix(e.text, "parameters: ")
			if !ok || !isParams {
				continue
			}
			delete(pending, e.pid)
			params, err := parseParams(rest)
			if err != nil {
				return nil, fmt.Errorf("%w in %q", err, e.text)
			}
			out[i] = bindParams(out[i], params)
		}
	}
	return out, nil
}

// parseParams reads "$1 = 'a”b', $2 = NULL" into {1: "'a”b'", 2: "NULL"},
// each value a SQL literal as PostgreSQL quoted it.
func parseParams(s string) (map[int]string, error) {
	out := map[int]string{}
	for s != "" {
		s = strings.TrimLeft(s, ", ")
		if s == "" {
			break
		}
		if s[0] != '$' {
			return nil, fmt.Errorf("bad parameter list at %.40q", s)
		}
		eq := strings.Index(s, " = ")
		if eq < 0 {
			return nil, fmt.Errorf("bad parameter at %.40q", s)
		}
		n, err := strconv.Atoi(s[1:eq])
		if err != nil {
			return nil, err
		}
		s = s[eq+3:]
		switch {
		case strings.HasPrefix(s, "NULL"):
			out[n] = "NULL"
			s = s[4:]
		case strings.HasPrefix(s, "'"):
			end := 1
			for {
				j := strings.IndexByte(s[end:], '\'')
				if j < 0 {
					return nil, fmt.Errorf("unterminated parameter $%d", n)
				}
				end += j + 1
				if end < len(s) && s[end] == '\'' { // a doubled quote
					end++
					continue
				}
				break
			}
			out[n] = s[:end]
			s = s[end:]
		default:
			return nil, fmt.Errorf("bad value of $%d at %.40q", n, s)
		}
	}
	return out, nil
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// bindParams replaces $n outside string literals with its value.
func bindParams(sql string, params map[int]string) string {
	var b strings.Builder
	inQuote := false
	last := 0
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'':
			inQuote = !inQuote
		case c == '$' && !inQuote:
			m := placeholder.FindStringSubmatchIndex(sql[i:])
			if m == nil || m[0] != 0 {
				continue
			}
			n, _ := strconv.Atoi(sql[i+m[2] : i+m[3]])
			v, ok := params[n]
			if !ok {
				continue
			}
			b.WriteString(sql[last:i])
			b.WriteString(v)
			i += m[1] - 1
			last = i + 1
		}
	}
	b.WriteString(sql[last:])
	return b.String()
}

var pgbenchVar = regexp.MustCompile(`(^|[^:]):[A-Za-z_]`)

// pgbenchScript makes a pgbench script of statements: one transaction of
// the script is one request of our server. pgbench reads ":name" as a
// variable, even inside a string literal, so a literal such as
// 'HH24:MI:SS' is split where a colon precedes a letter
// (('HH24:' || 'MI:' || 'SS'), folded to the same constant when the
// statement is planned); a ":name" left outside literals is an error.
func pgbenchScript(stmts []string) (string, error) {
	var b strings.Builder
	for _, s := range stmts {
		s = splitColonLiterals(s)
		if pgbenchVar.MatchString(s) {
			return "", fmt.Errorf("statement has a pgbench variable-like ':name': %.80q", s)
		}
		b.WriteString(strings.TrimRight(s, "; \n\t"))
		b.WriteString(";\n")
	}
	return b.String(), nil
}

// splitColonLiterals rewrites the string literals of sql that hold a
// colon before a letter as concatenations that pgbench leaves alone.
func splitColonLiterals(sql string) string {
	var b strings.Builder
	for i := 0; i < len(sql); i++ {
		if sql[i] != '\'' {
			b.WriteByte(sql[i])
			continue
		}
		end := i + 1 // the literal is sql[i:end], quotes included
		for end < len(sql) {
			if sql[end] == '\'' {
				if end+1 < len(sql) && sql[end+1] == '\'' {
					end += 2
					continue
				}
				end++
				break
			}
			end++
		}
		lit := sql[i:end]
		if body := lit[1 : len(lit)-1]; len(lit) >= 2 && pgbenchVar.MatchString(body) {
			parts := regexp.MustCompile(`:([A-Za-z_])`).ReplaceAllString(body, ":' || '$1")
			lit = "('" + parts + "')"
		}
		b.WriteString(lit)
		i = end - 1
	}
	return b.String()
}

// capture sends each body to the capture server and returns, for each,
// the statements it ran, read from PostgreSQL's log.
func capture(ctx context.Context, client *http.Client, url, logPath string, op *operation, header http.Header) ([][]string, error) {
	var out [][]string
	for i, body := range op.bodies {
		fi, err := os.Stat(logPath)
		if err != nil {
			return nil, err
		}
		before := fi.Size()
		res, err := postRaw(ctx, client, url, body, header)
		if err != nil {
			return nil, fmt.Errorf("capture request %d: %w", i, err)
		}
		// Statements are logged before they run, so all are in the log
		// once the response is here; a moment lets the writes land.
		time.Sleep(50 * time.Millisecond)
		f, err := os.Open(logPath)
		if err != nil {
			return nil, err
		}
		entries, err := parseLog(io.NewSectionReader(f, before, 1<<40))
		f.Close()
		if err != nil {
			return nil, err
		}
		stmts, err := statementsOf(entries)
		if err != nil {
			return nil, err
		}
		if res.statements >= 0 && res.statements != len(stmts) {
			return nil, fmt.Errorf("capture request %d: the server counted %d statements, the log shows %d", i, res.statements, len(stmts))
		}
		out = append(out, stmts)
	}
	return out, nil
}

func postRaw(ctx context.Context, client *http.Client, url string, body []byte, header http.Header) (*gqlResponse, error) {
	var req map[string]any
	if err := jsonUnmarshal(body, &req); err != nil {
		return nil, err
	}
	vars, _ := req["variables"].(map[string]any)
	q, _ := req["query"].(string)
	return post(ctx, client, url, q, vars, header)
}
