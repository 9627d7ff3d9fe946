package metrics

import (
	"context"
	"math"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// WatchDisk exports the size and the free bytes of the filesystem that
// holds dir (the data directory: embedded NATS and ClickHouse), read at
// each scrape, for the "disk almost full" alert.
func (m *Metrics) WatchDisk(dir string) {
	stat := func(f func(s *syscall.Statfs_t) float64) func() float64 {
		return func() float64 {
			var s syscall.Statfs_t
			if err := syscall.Statfs(dir, &s); err != nil {
				return math.NaN()
			}
			return f(&s)
		}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	labels := prometheus.Labels{"path": dir}
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pantau_data_filesystem_avail_bytes",
			Help: "Bytes available to Pantau on the filesystem of its data directory.", ConstLabels: labels},
			stat(func(s *syscall.Statfs_t) float64 { return float64(s.Bavail) * float64(s.Bsize) })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pantau_data_filesystem_size_bytes",
			Help: "Size of the filesystem of the data directory.", ConstLabels: labels},
			stat(func(s *syscall.Statfs_t) float64 { return float64(s.Blocks) * float64(s.Bsize) })),
	)
}

// WatchReports exports when the daily report last went out, as last
// reads it (from the store, so every instance, a restart and a manual
// `pantau report --send` agree), for the "report not sent by 07:30 WITA"
// alert: 0 means never. A failing read keeps the last value (NaN before
// the first good one).
func (m *Metrics) WatchReports(last func(context.Context) (time.Time, error)) {
	var mu sync.Mutex
	value := math.NaN()
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "pantau_report_last_sent_timestamp_seconds",
		Help: "Unix time the daily report was last sent (0: never)."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		t, err := last(ctx)
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			value = 0
			if !t.IsZero() && t.Unix() > 0 {
				value = float64(t.Unix())
			}
		}
		return value
	}))
}
