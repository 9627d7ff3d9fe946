package stage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/stage"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// TestWriterCrashLosesNothingAndCountsOnce publishes classified articles,
// kills the writer after it consumed a batch but before the insert, and
// again after the insert but before the acks; after each restart every
// article is in mentions exactly once.
func TestWriterCrashLosesNothingAndCountsOnce(t *testing.T) {
	for _, point := range []string{"fetched", "written"} {
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
			w := &stage.Writer{Bus: b, Store: backend, Metrics: metrics.New(), Log: quietLog(), BatchSize: 200, FlushInterval: 200 * time.Millisecond}
			crashed := false
			stage.SetCrashHook(w, func(p string) bool {
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
			w2 := &stage.Writer{Bus: b, Store: backend, Metrics: metrics.New(), Log: quietLog(), BatchSize: 200, FlushInterval: 200 * time.Millisecond}
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
	w := &stage.Writer{Bus: b, Store: backend, Metrics: m, Log: quietLog(), FlushInterval: 100 * time.Millisecond}
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

// TestWriterRowByRowWritesIssuesAndDeadLettersTheRefused: when the store
// refuses a batch for one row (here a table constraint), the others are
// written row by row with their issues, and the refused row is retried
// until its last delivery, then dead-lettered with the store's reason.
func TestWriterRowByRowWritesIssuesAndDeadLettersTheRefused(t *testing.T) {
	ctx := context.Background()
	backend, err := chdb.Open(engineDir, "refused")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	if err := backend.Exec(ctx, "DROP DATABASE IF EXISTS refused"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, backend, nil); err != nil {
		t.Fatal(err)
	}
	if err := backend.Exec(ctx, "ALTER TABLE refused.mentions ADD CONSTRAINT no_poison CHECK title != 'racun'"); err != nil {
		t.Fatal(err)
	}
	b := openBus(t, t.TempDir())
	defer b.Close()
	rows := storetest.Rows(5, "refused")
	for i := range rows {
		rows[i].IssueID, rows[i].IssueName = fmt.Sprintf("isu-%d", i), fmt.Sprintf("Isu %d", i)
	}
	rows[2].Title = "racun"
	for _, r := range rows {
		data, _ := json.Marshal(r)
		if _, err := b.Publish(ctx, bus.SubjectClassify, r.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	m := metrics.New()
	wctx, cancel := context.WithCancel(ctx)
	w := &stage.Writer{Bus: b, Store: backend, Metrics: m, Log: quietLog(), FlushInterval: 100 * time.Millisecond, RetryDelay: 20 * time.Millisecond}
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	waitFor(t, "the refused row's dead letter", func() bool { return len(letters(t, b, stage.WriterName)) == 1 })
	cancel()
	<-done
	if got := countRows(t, backend); got != "4" {
		t.Fatalf("stored %s, want 4", got)
	}
	res, err := backend.Query(ctx, "SELECT arrayStringConcat(groupArray(id), ',') FROM (SELECT id FROM refused.issues ORDER BY id)", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Rows[0][0]; got != "isu-0,isu-1,isu-3,isu-4" {
		t.Errorf("issues written %q, want the four stored rows' issues", got)
	}
	l := letters(t, b, stage.WriterName)[0]
	if l.MsgID != rows[2].ID || !strings.Contains(l.Reason, "VIOLATED_CONSTRAINT") || l.Deliveries != b.Options().MaxDeliver {
		t.Errorf("dead letter %s after %d deliveries: %q", l.MsgID, l.Deliveries, l.Reason)
	}
}

// TestWriterKeepsBatchWhileEmbeddedStoreRefuses: chDB refusing inserts
// for a while (too many parts: what a busy or full disk looks like) holds
// the batch — nothing is dead-lettered, even past max-deliver — and once
// the refusal is lifted every article is stored once. (Every chDB error
// used to be permanent: the rows went to the dead-letter stream.)
func TestWriterKeepsBatchWhileEmbeddedStoreRefuses(t *testing.T) {
	ctx := context.Background()
	backend, err := chdb.Open(engineDir, "refusing")
	if err != nil {
		t.Fatal(err)
	}
	defer backend.Close()
	if err := backend.Exec(ctx, "DROP DATABASE IF EXISTS refusing"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx, backend, nil); err != nil {
		t.Fatal(err)
	}
	if err := backend.InsertMentions(ctx, storetest.Rows(1, "seed")); err != nil {
		t.Fatal(err)
	}
	if err := backend.Exec(ctx, "ALTER TABLE refusing.mentions MODIFY SETTING parts_to_throw_insert = 1"); err != nil {
		t.Fatal(err)
	}
	b, err := bus.Open(ctx, bus.Options{StoreDir: t.TempDir(), AckWait: time.Second, MaxDeliver: 2}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rows := storetest.Rows(20, "refusing")
	for _, r := range rows {
		data, _ := json.Marshal(r)
		if _, err := b.Publish(ctx, bus.SubjectClassify, r.ID, data); err != nil {
			t.Fatal(err)
		}
	}
	m := metrics.New()
	wctx, cancel := context.WithCancel(ctx)
	w := &stage.Writer{Bus: b, Store: backend, Metrics: m, Log: quietLog(), FlushInterval: 100 * time.Millisecond, RetryDelay: 100 * time.Millisecond}
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	defer func() { cancel(); <-done }()
	// Long enough for two ack waits and several retries.
	waitFor(t, "failed attempts", func() bool { return metrics.Sum(m.Failed) >= 4 })
	time.Sleep(2500 * time.Millisecond)
	if n := len(letters(t, b, stage.WriterName)); n != 0 {
		t.Fatalf("%d rows dead-lettered while the store refused for a while", n)
	}
	if got := countRows(t, backend); got != "1" {
		t.Fatalf("stored %s while refused, want the seed only", got)
	}
	if err := backend.Exec(ctx, "ALTER TABLE refusing.mentions MODIFY SETTING parts_to_throw_insert = 3000"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the held batch", func() bool { return metrics.Value(m.Stored) >= 20 })
	waitFor(t, "the acknowledgements", func() bool {
		n, err := b.Pending(ctx, bus.StreamClassified, bus.ConsumerWriter)
		return err == nil && n == 0
	})
	if got := countRows(t, backend); got != "21" {
		t.Fatalf("stored %s, want 21", got)
	}
	if n := len(letters(t, b, stage.WriterName)); n != 0 {
		t.Fatalf("%d dead letters", n)
	}
}
