package httpserver

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"tthc/internal/telemetry"
)

// ServeMetrics serves /metrics on a listener of its own at addr
// (METRICS_ADDR), for operators who keep the metrics off the API's port.
// It returns the address it listens on and a function that closes the
// listener.
func ServeMetrics(addr string, m *telemetry.Metrics, logger *slog.Logger) (bound net.Addr, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, WriteTimeout: time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics listener stopped", "err", err)
		}
	}()
	logger.Info("serving metrics", "addr", "http://"+ln.Addr().String()+"/metrics")
	return ln.Addr(), func() { srv.Close() }, nil
}
