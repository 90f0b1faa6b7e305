package httpserver_test

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium returns the path of a Chromium binary: $CHROMIUM, or the one
// Debian's package installs. make test installs it when it is missing.
func chromium(t *testing.T) string {
	t.Helper()
	if path := os.Getenv("CHROMIUM"); path != "" {
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	t.Fatal("no Chromium found: install it with `apt-get install -y chromium` (make test does when run as root), or set CHROMIUM to its path")
	return ""
}

// TestGraphiQLOffline loads GraphiQL in a real headless Chromium that may
// reach nothing but the server, runs a catalog search through the UI
// (typed into the query editor, run with the Run button) and reads the
// result in the response pane. Any request to another origin, script
// error or Content-Security-Policy violation fails the test.
func TestGraphiQLOffline(t *testing.T) {
	browser := chromium(t)
	srv := httptest.NewServer(newCatalogAPI(t).handler)
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(browser),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// No name resolves: only the server's address literal is reachable.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1400, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()

	var (
		mu        sync.Mutex
		elsewhere []string // requests to anything but the server, refused
		problems  []string // script errors and policy violations
		sent      []string // bodies POSTed to /graphql, for a failure message
	)
	note := func(list *[]string, s string) {
		mu.Lock()
		defer mu.Unlock()
		*list = append(*list, s)
	}
	// Every request pauses here: the server's go on, the rest fail.
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if strings.HasPrefix(ev.Request.URL, srv.URL+"/") {
				if ev.Request.URL == srv.URL+"/graphql" && ev.Request.Method == "POST" {
					var body []byte
					for _, e := range ev.Request.PostDataEntries {
						body = append(body, e.Bytes...)
					}
					note(&sent, string(body))
				}
				chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
				continue
			}
			note(&elsewhere, ev.Request.URL)
			chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
		}
	}()
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			note(&problems, "exception: "+text)
		}
	}()
	// Content-Security-Policy violations are logged as errors.
	entries := chromedp.Events(ctx, log.EntryAdded)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			if ev.Entry.Level == log.EntryLevelError {
				note(&problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	}()
	calls := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	go func() {
		for ev, err := range calls {
			if err != nil {
				return
			}
			if ev.Type == "error" {
				note(&problems, "console.error: "+consoleText(ev))
			}
		}
	}()

	// Named as the default query's operation is: GraphiQL learns the
	// operation name from the editor after a debounce, and a click on Run
	// inside it sends the default's name, which an anonymous query lacks.
	const query = `query Search { procedures(filter: {search: "dang ky khai sinh"}, first: 3) { totalCount nodes { code name } } }`
	const editor = chromedp.CSS(`.graphiql-query-editor .monaco-editor .view-lines`)
	// What the response pane shows, read without waiting for it to exist.
	const paneText = `document.querySelector('.graphiql-response .view-lines')?.textContent ?? ''`
	err := chromedp.Do(ctx,
		func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}); err != nil {
				return chromedp.Void{}, err
			}
			_, err := chromedp.Call(ctx, log.Enable, cdp.Empty{})
			return chromedp.Void{}, err
		},
		chromedp.Navigate(srv.URL+"/"),
		// Monaco's query editor, showing the page's default query: GraphiQL
		// has settled and will not overwrite what is typed next.
		chromedp.WaitVisible(editor),
		chromedp.Poll[chromedp.Void](`(document.querySelector('.graphiql-query-editor .view-lines')?.textContent ?? '').replaceAll('\u00a0', ' ').includes('tthc: the catalog')`,
			chromedp.WithPollingTimeout(30*time.Second)),
	)
	// Select the default query and type ours over it. On a loaded machine a
	// key can reach the editor before it has focus; what the editor shows
	// decides, and typing is tried again until it shows the query alone.
	var typed string
	for attempt := 0; err == nil && attempt < 5 && typed != query; attempt++ {
		err = chromedp.Do(ctx,
			chromedp.Click(editor),
			chromedp.Sleep(200*time.Millisecond),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(kb.ModifierCtrl)),
			chromedp.KeyEvent(kb.Delete),
			func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
				_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: query})
				return chromedp.Void{}, err
			},
		)
		if err == nil {
			typed, err = chromedp.Run(ctx, chromedp.TextContent(editor))
			// Monaco draws spaces as no-break spaces, which Fields splits on.
			typed = strings.Join(strings.Fields(typed), " ")
		}
	}
	if err == nil && typed != query {
		t.Fatalf("the query editor shows %q, not the query typed", typed)
	}
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)))
	}
	var response string
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`(`+paneText+`).includes('totalCount')`,
			chromedp.WithPollingTimeout(30*time.Second)))
		// Read the pane whatever the wait gave: an error answer shows there.
		response, _ = chromedp.Run(ctx, chromedp.Evaluate[string](paneText))
	}
	// Monaco draws spaces as no-break spaces.
	response = strings.ReplaceAll(response, "\u00a0", " ")
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		t.Fatalf("GraphiQL: %v\nresponse pane: %q\nsent to /graphql: %q\nrequests elsewhere: %q\nproblems: %q", err, response, sent, elsewhere, problems)
	}
	for _, want := range []string{`"totalCount"`, `"1.001193"`, `"Thủ tục đăng ký khai sinh"`} {
		if !strings.Contains(response, want) {
			t.Errorf("the response pane lacks %s:\n%s", want, response)
		}
	}
	if strings.Contains(response, `"errors"`) {
		t.Errorf("the search answered errors:\n%s", response)
	}
	if len(elsewhere) > 0 {
		t.Errorf("GraphiQL asked for things outside the server: %q", elsewhere)
	}
	if len(problems) > 0 {
		t.Errorf("script errors or policy violations: %q", problems)
	}
}

// consoleText joins the arguments of a console call.
func consoleText(ev runtime.EventConsoleAPICalled) string {
	var parts []string
	for _, a := range ev.Args {
		if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}
