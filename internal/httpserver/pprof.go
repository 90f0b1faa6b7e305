package httpserver

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// ServePprof serves the runtime profiles of net/http/pprof under
// /debug/pprof/ on a listener of its own at addr (PPROF_ADDR), so they are
// never reachable through the API's port. It returns the address it
// listens on and a function that closes the listener.
func ServePprof(addr string, logger *slog.Logger) (bound net.Addr, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// No WriteTimeout: a CPU profile or a trace streams for as long as
	// asked (?seconds=N).
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("pprof listener stopped", "err", err)
		}
	}()
	logger.Warn("serving runtime profiles (pprof)", "addr", "http://"+ln.Addr().String()+"/debug/pprof/")
	return ln.Addr(), func() { srv.Close() }, nil
}
