// Package graphiql serves the GraphiQL page from files embedded in the
// binary, so it works without any network but the server's own: on an
// intranet, or a machine with no internet at all.
//
// dist/ is built from the npm packages pinned in package.json and
// package-lock.json (graphiql 5 with React 19 and Monaco) by build.mjs,
// and committed, so `go build` needs no npm. `make graphiql` rebuilds it;
// the same lock file gives the same files.
package graphiql

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

//go:embed dist
var dist embed.FS

// AssetPrefix is the path under which the page's scripts, style sheet
// and fonts are served.
const AssetPrefix = "/graphiql/"

// CSP is the Content-Security-Policy of the page and its files: scripts,
// workers, styles, fonts and requests of its own origin only (GraphQL over
// HTTP and WebSocket to /graphql), nothing inline but styles, no eval,
// never framed. Monaco and React's components set styles at run time, so
// style-src needs 'unsafe-inline'; GraphiQL's fonts come as data: URLs.
const CSP = "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Page serves index.html. It must not be cached for long: it names the
// current files.
func Page() http.Handler {
	return asset("index.html", "no-cache")
}

// Assets serves the page's files under AssetPrefix. Their names carry a
// hash of their content, so browsers may keep them for good.
func Assets() http.Handler {
	sub, err := fs.Sub(dist, "dist/graphiql")
	if err != nil {
		panic(err)
	}
	handlers := map[string]http.Handler{}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		handlers[e.Name()] = asset("graphiql/"+e.Name(), "public, max-age=31536000, immutable")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, ok := handlers[strings.TrimPrefix(r.URL.Path, AssetPrefix)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// asset serves one embedded file, gzipped for the clients that accept it
// (the page's script is 5 MB, 1.4 MB gzipped). The gzipped copy is made
// once, on first use.
func asset(name, cacheControl string) http.Handler {
	body, err := dist.ReadFile("dist/" + name)
	if err != nil {
		panic(err)
	}
	gzipped := sync.OnceValue(func() []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(body)
		zw.Close()
		return b.Bytes()
	})
	contentType := map[string]string{
		".html": "text/html; charset=utf-8",
		".js":   "text/javascript; charset=utf-8",
		".css":  "text/css; charset=utf-8",
		".ttf":  "font/ttf",
	}[path.Ext(name)]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("Cache-Control", cacheControl)
		h.Set("Content-Type", contentType)
		h.Add("Vary", "Accept-Encoding")
		out := body
		if acceptsGzip(r) {
			out = gzipped()
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("Content-Length", strconv.Itoa(len(out)))
		if r.Method != http.MethodHead {
			w.Write(out)
		}
	})
}

// acceptsGzip reports whether the client takes gzip (every browser does).
func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
