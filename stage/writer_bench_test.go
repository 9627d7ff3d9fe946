package stage_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/stage"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse/chtest"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// BenchmarkWriter measures the writer stage end to end: 20,000 classified
// articles (2 KB of text each) waiting on JetStream, drained into each
// backend in 10,000-row batches, and into chDB with sync: always. Reports
// rows/s.
func BenchmarkWriter(b *testing.B) {
	const n = 20000
	rows := storetest.Rows(n, "wbench")
	text := ""
	for len(text) < 2000 {
		text += "Warga Samarinda mengeluhkan banjir yang merendam permukiman sejak pagi. "
	}
	for i := range rows {
		rows[i].Text = text
	}
	payloads := make([][]byte, n)
	for i := range rows {
		payloads[i], _ = json.Marshal(rows[i])
	}
	run := func(b *testing.B, backend store.Backend, syncAlways bool) {
		ctx := context.Background()
		if err := backend.Exec(ctx, "DROP DATABASE IF EXISTS "+backend.Database()); err != nil {
			b.Fatal(err)
		}
		if _, err := store.Migrate(ctx, backend, nil); err != nil {
			b.Fatal(err)
		}
		if syncAlways {
			if err := store.SyncInserts(ctx, backend, true); err != nil {
				b.Fatal(err)
			}
		}
		var elapsed time.Duration
		for b.Loop() {
			b.StopTimer()
			bs, err := bus.Open(ctx, bus.Options{StoreDir: b.TempDir(), SyncAlways: syncAlways}, quietLog())
			if err != nil {
				b.Fatal(err)
			}
			for i := range rows {
				if _, err := bs.Publish(ctx, bus.SubjectClassify, rows[i].ID, payloads[i]); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
			start := time.Now()
			wctx, cancel := context.WithCancel(ctx)
			m := metrics.New()
			w := &stage.Writer{Bus: bs, Store: backend, Metrics: m, Log: quietLog(), BatchSize: 10000, FlushInterval: time.Second}
			done := make(chan struct{})
			go func() { w.Run(wctx); close(done) }()
			for metrics.Value(m.Stored) < n {
				time.Sleep(5 * time.Millisecond)
			}
			elapsed += time.Since(start)
			cancel()
			<-done
			b.StopTimer()
			bs.Close()
			b.StartTimer()
		}
		b.ReportMetric(float64(b.N*n)/elapsed.Seconds(), "rows/s")
	}
	b.Run("chdb", func(b *testing.B) {
		be, err := chdb.Open(engineDir, "wbench")
		if err != nil {
			b.Fatal(err)
		}
		defer be.Close()
		run(b, be, false)
	})
	// sync: always — JetStream fsyncs every write and chDB every insert.
	b.Run("chdb-sync-always", func(b *testing.B) {
		be, err := chdb.Open(engineDir, "wbench_sync")
		if err != nil {
			b.Fatal(err)
		}
		defer be.Close()
		run(b, be, true)
	})
	b.Run("clickhouse-18.16", func(b *testing.B) {
		srv := chtest.Start(b)
		be, err := clickhouse.Open(context.Background(), srv.DSN("wbench"))
		if err != nil {
			b.Fatal(err)
		}
		defer be.Close()
		run(b, be, false)
	})
}
