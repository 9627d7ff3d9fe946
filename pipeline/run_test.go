package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// syncBuffer is a log sink for slog from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testPipeline(t *testing.T, db string, opts map[string]string) (*Pipeline, *syncBuffer) {
	t.Helper()
	os.RemoveAll(filepath.Join(dataDir, "nats")) // a fresh bus for each test; the chDB engine stays
	flags := map[string]string{"data": dataDir, "database": db, "metrics-addr": "", "stages": "classifier,writer"}
	for k, v := range opts {
		flags[k] = v
	}
	cfg, err := config.Load(flags, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	old, err := chdb.Open(engineDir, db) // what an earlier run (-count) left
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Exec(context.Background(), "DROP DATABASE IF EXISTS "+db); err != nil {
		t.Fatal(err)
	}
	old.Close()
	logs := &syncBuffer{}
	p, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return p, logs
}

// TestShutdownStopsEverythingBeforeTheStoreCloses: the parts the CLI
// registers (the API server, the report scheduler) run until Run returns,
// stop in reverse order while the store still answers, and the shutdown
// drain waits drain-timeout — here 1.5 s, not a fixed 15 s — for a writer
// whose store refuses, leaving the batch on the bus.
func TestShutdownStopsEverythingBeforeTheStoreCloses(t *testing.T) {
	ctx := context.Background()
	p, logs := testPipeline(t, "run_shutdown", map[string]string{"drain-timeout": "1500ms", "writer-flush": "100ms"})
	defer p.Close()
	// The store refuses inserts for now (too many parts): the writer keeps
	// its batch, so the drain cannot finish.
	if err := p.Store.InsertMentions(ctx, storetest.Rows(1, "seed")); err != nil {
		t.Fatal(err)
	}
	if err := p.Store.Exec(ctx, "ALTER TABLE run_shutdown.mentions MODIFY SETTING parts_to_throw_insert = 1"); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(storetest.Rows(1, "held")[0])
	if _, err := p.Bus.Publish(ctx, bus.SubjectClassify, "held", data); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var events []string
	part := func(name string) func(context.Context) error {
		return func(ctx context.Context) error {
			<-ctx.Done()
			_, err := p.Store.Query(context.Background(), "SELECT 1", nil)
			mu.Lock()
			events = append(events, name+" stopped, store answers: "+errString(err))
			mu.Unlock()
			return nil
		}
	}
	p.Register("api", part("api"))
	p.Register("reporter", part("reporter"))

	rctx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		_, err := p.Run(rctx, false)
		done <- err
	}()
	deadline := time.Now().Add(30 * time.Second)
	for metrics.Sum(p.Metrics.Failed) < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the writer never tried the store:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	mu.Lock()
	got := strings.Join(events, "; ")
	mu.Unlock()
	if got != "reporter stopped, store answers: ok; api stopped, store answers: ok" {
		t.Errorf("registered parts: %s", got)
	}
	log := logs.String()
	if !strings.Contains(log, "still pending after 1.5s: 0 to classify, 1 to store") {
		t.Errorf("the drain did not wait drain-timeout:\n%s", log)
	}
	// Every part is started and stopped with a log line, in order.
	var stops []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "msg=stopped ") {
			_, name, _ := strings.Cut(line, "service=")
			name, _, _ = strings.Cut(name, " ")
			stops = append(stops, name)
		}
	}
	if strings.Join(stops, ",") != "classifier,writer,lag,reporter,api,metrics" {
		t.Errorf("stop order %v", stops)
	}
	if n, err := p.Bus.Pending(ctx, bus.StreamClassified, bus.ConsumerWriter); err != nil || n != 1 {
		t.Errorf("the held article is not waiting on the bus: %d, %v", n, err)
	}
}

func errString(err error) string {
	if err == nil {
		return "ok"
	}
	return err.Error()
}
