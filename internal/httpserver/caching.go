package httpserver

import "tthc/internal/cache"

// registerCacheMetrics adds to cfg.Metrics what the response cache, the
// catalog version's listener and the read replica know, so an operator
// sees the hit rate, the memory against CACHE_MAX_BYTES, and public reads
// falling back to the primary.
func registerCacheMetrics(cfg Config) {
	m, c := cfg.Metrics, cfg.Cache
	stat := func(f func(cache.Stats) uint64) func() float64 {
		return func() float64 { return float64(f(c.Stats())) }
	}
	m.CounterFunc("tthc_cache_hits_total", "Anonymous queries answered from the response cache.",
		stat(func(s cache.Stats) uint64 { return s.Hits }))
	m.CounterFunc("tthc_cache_misses_total", "Anonymous queries the response cache did not hold at the newest catalog version.",
		stat(func(s cache.Stats) uint64 { return s.Misses }))
	m.CounterFunc("tthc_cache_bypassed_total", "Anonymous queries run without the response cache because the catalog version was not known (listener away).",
		stat(func(s cache.Stats) uint64 { return s.Bypassed }))
	m.CounterFunc("tthc_cache_not_modified_total", "Anonymous GET queries answered 304 Not Modified to an If-None-Match.",
		stat(func(s cache.Stats) uint64 { return s.NotModified }))
	m.GaugeFunc("tthc_cache_bytes", "Bytes of responses the response cache holds (at most tthc_cache_max_bytes).",
		func() float64 { return float64(c.Stats().Bytes) })
	m.GaugeFunc("tthc_cache_max_bytes", "CACHE_MAX_BYTES: the bound of the response cache; 0 when it is off.",
		func() float64 { return float64(c.Stats().MaxBytes) })
	if v := cfg.Versions; v != nil {
		m.GaugeFunc("tthc_catalog_version", "The newest catalog version this instance knows.",
			func() float64 { n, _ := v.Current(); return float64(n) })
		m.GaugeFunc("tthc_catalog_listener_connected", "1 while the listener of catalog versions (LISTEN/NOTIFY) is connected; without it nothing is served from the response cache.",
			func() float64 { return boolValue(v.Connected()) })
	}
	if cfg.DB.ReplicaStatus().Configured {
		m.GaugeFunc("tthc_replica_up", "1 while the read replica (DATABASE_READ_URL) answers; 0: public reads run on the primary.",
			func() float64 { return boolValue(cfg.DB.ReplicaStatus().Up) })
		m.CounterFunc("tthc_replica_fallbacks_total", "Public reads run on the primary because the read replica did not answer.",
			func() float64 { return float64(cfg.DB.ReplicaStatus().Fallbacks) })
		m.CounterFunc("tthc_replica_behind_total", "Public reads run on the primary because the read replica had not yet replayed the newest catalog version known.",
			func() float64 { return float64(cfg.DB.ReplicaStatus().Behind) })
	}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// readinessDetails adds to a readiness answer what degrades the public
// read path without making the instance unready: it still answers
// exactly, on the primary or without its response cache.
func readinessDetails(cfg Config, checks map[string]string) {
	if s := cfg.DB.ReplicaStatus(); s.Configured {
		checks["replica"] = "ok"
		if !s.Up {
			checks["replica"] = "unreachable: public reads on the primary"
		}
	}
	if cfg.Versions != nil {
		checks["catalogListener"] = "ok"
		if !cfg.Versions.Connected() {
			checks["catalogListener"] = "disconnected: response cache off"
		}
	}
}
