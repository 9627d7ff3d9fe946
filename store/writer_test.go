package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

var engineDir string

// TestMain boots one chDB engine for the package (one path per process)
// and keeps a connection open so it is not rebooted between tests.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pantau-store-test-")
	if err != nil {
		panic(err)
	}
	engineDir = dir
	keep, err := chdb.Connect(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chdb:", err)
		os.Exit(1)
	}
	code := m.Run()
	keep.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openBus(t *testing.T, dir string) *bus.Bus {
	t.Helper()
	b, err := bus.Open(context.Background(), bus.Options{StoreDir: dir, AckWait: time.Second}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func countRows(t *testing.T, b store.Backend) string {
	t.Helper()
	res, err := b.Query(context.Background(), "SELECT count() FROM "+b.Database()+".mentions FINAL", nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Rows[0][0]
}

// TestWriterCrashLosesNothingAndCountsOnce publishes classified articles,
// kills the writer after it consumed a batch but before the insert, and
// again after the insert but before the acks; after each restart every
// article is in mentions exactly once.
func TestWriterCrashLosesNothingAndCountsOnce(t *testing.T) {
	for _, point := range []string{"fetched", "inserted"} {
		t.Run(point, func(t *testing.T) {
			ctx := context.Background()
			natsDir := t.TempDir()
			backend, err := chdb.Open(engineDir, "crash_"+point)
			if err != nil {
				t.Fatal(err)
			}
			defer backend.Close()
			if err := backend.Exec(ctx, "DROP DATABASE IF EXISTS crash_"+point); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Migrate(ctx, backend, nil); err != nil {
				t.Fatal(err)
			}
			b := openBus(t, natsDir)
			rows := storetest.Rows(500, point)
			for _, r := range rows {
				data, _ := json.Marshal(r)
				if _, err := b.Publish(ctx, bus.SubjectClassify, r.ID, data); err != nil {
					t.Fatal(err)
				}
			}
			w := &store.Writer{Bus: b, Backend: backend, Metrics: metrics.New(), Log: quietLog(), BatchSize: 200, FlushInterval: 200 * time.Millisecond}
			crashed := false
			store.SetCrashHook(w, func(p string) bool {
				if p == point && !crashed {
					crashed = true
					return true
				}
				return false
			})
			if err := w.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if !crashed {
				t.Fatal("writer never reached the crash point")
			}
			b.Close() // the process is gone; its bus connection too

			// Restart: a new bus on the same JetStream store, a new writer.
			b = openBus(t, natsDir)
			defer b.Close()
			wctx, cancel := context.WithCancel(ctx)
			w2 := &store.Writer{Bus: b, Backend: backend, Metrics: metrics.New(), Log: quietLog(), BatchSize: 200, FlushInterval: 200 * time.Millisecond}
			done := make(chan struct{})
			go func() { w2.Run(wctx); close(done) }()
			deadline := time.Now().Add(30 * time.Second)
			for {
				n, err := b.Pending(ctx, bus.StreamClassified, bus.ConsumerWriter)
				if err == nil && n == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("writer did not drain after restart: %d pending", n)
				}
				time.Sleep(100 * time.Millisecond)
			}
			cancel()
			<-done
			if got := countRows(t, backend); got != "500" {
				t.Fatalf("mentions has %s articles after restart, want 500", got)
			}
		})
	}
}

// TestWriterDeadLettersMalformedMessages checks that a poison message goes
// to the dead-letter subject and the rest are stored.
func TestWriterDeadLettersMalformedMessages(t *testing.T) {
	ctx := context.Background()
	backend, err := chdb.Open(engineDir, "poison")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	if _, err := store.Migrate(ctx, backend, nil); err != nil {
		t.Fatal(err)
	}
	b := openBus(t, t.TempDir())
	defer b.Close()
	if _, err := b.Publish(ctx, bus.SubjectClassify, "bad-1", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	for _, r := range storetest.Rows(3, "poison") {
		data, _ := json.Marshal(r)
		if _, err := b.Publish(ctx, bus.SubjectClassify, r.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	m := metrics.New()
	wctx, cancel := context.WithCancel(ctx)
	w := &store.Writer{Bus: b, Backend: backend, Metrics: m, Log: quietLog(), FlushInterval: 100 * time.Millisecond}
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	deadline := time.Now().Add(20 * time.Second)
	for metrics.Value(m.Stored) < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	if got := metrics.Sum(m.DeadLettered); got != 1 {
		t.Fatalf("dead-lettered %v, want 1", got)
	}
	dlq, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := dlq.GetLastMsgForSubject(ctx, bus.SubjectDLQPrefix+"writer")
	if err != nil {
		t.Fatal(err)
	}
	if string(msg.Data) != "{not json" || msg.Header.Get("Pantau-Reason") == "" {
		t.Fatalf("dead letter %q with headers %v", msg.Data, msg.Header)
	}
	if got := countRows(t, backend); got != "3" {
		t.Fatalf("stored %s, want 3", got)
	}
}
