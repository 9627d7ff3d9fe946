package stage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/stage"
)

// runEach runs a stage.Each loop on the articles stream until stop is
// called.
func runEach(t *testing.T, b *bus.Bus, m *metrics.Metrics, handle func(ctx context.Context, msg *stage.Msg) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := stage.Each(ctx, stage.Config{Name: "uji", Stream: bus.StreamArticles, Consumer: bus.ConsumerClassifier,
			Bus: b, Metrics: m, Log: quietLog(), MaxWait: 100 * time.Millisecond, RetryDelay: 20 * time.Millisecond}, handle)
		if err != nil {
			t.Error(err)
		}
	}()
	return func() { cancel(); <-done }
}

func publish(t *testing.T, b *bus.Bus, subject string, msgs ...string) {
	t.Helper()
	for i, m := range msgs {
		if _, err := b.Publish(context.Background(), subject, fmt.Sprintf("%s-%d", m, i), []byte(m)); err != nil {
			t.Fatal(err)
		}
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func letters(t *testing.T, b *bus.Bus, stageName string) []bus.Letter {
	t.Helper()
	ls, err := b.DeadLetters(context.Background(), stageName, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// TestPanicIsDeadLetteredAndLoopGoesOn: a handler that panics on one
// message has that message dead-lettered with the panic and where it
// happened; the messages around it are handled and acknowledged.
func TestPanicIsDeadLetteredAndLoopGoesOn(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	m := metrics.New()
	var mu sync.Mutex
	var handled []string
	stop := runEach(t, b, m, func(_ context.Context, msg *stage.Msg) error {
		if string(msg.Data) == "boom" {
			var ids []string
			_ = ids[3] // an index out of range, as a short id once did
		}
		mu.Lock()
		handled = append(handled, string(msg.Data))
		mu.Unlock()
		return nil
	})
	publish(t, b, bus.SubjectArticles, "a", "boom", "b")
	waitFor(t, "the messages after the panic", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handled) == 2
	})
	stop()
	if handled[0] != "a" || handled[1] != "b" {
		t.Fatalf("handled %v", handled)
	}
	ls := letters(t, b, "uji")
	if len(ls) != 1 || string(ls[0].Data) != "boom" {
		t.Fatalf("dead letters %+v", ls)
	}
	l := ls[0]
	if !strings.Contains(l.Reason, "panic: runtime error: index out of range") || !strings.Contains(l.Reason, "loop_test.go") {
		t.Errorf("reason %q", l.Reason)
	}
	if st := l.Header.Get(stage.HeaderStack); !strings.Contains(st, "stage_test.TestPanicIsDeadLetteredAndLoopGoesOn") || strings.Contains(st, "runtime.") {
		t.Errorf("stack summary %q", st)
	}
	if l.Subject != bus.SubjectArticles || l.Stage != "uji" || l.MsgID != "boom-1" || l.At.IsZero() {
		t.Errorf("letter %+v", l)
	}
	if got := metrics.Sum(m.Panics); got != 1 {
		t.Errorf("panics %v, want 1", got)
	}
	if got := metrics.Sum(m.DeadLettered); got != 1 {
		t.Errorf("dead-lettered %v, want 1", got)
	}
	if n, err := b.Pending(context.Background(), bus.StreamArticles, bus.ConsumerClassifier); err != nil || n != 0 {
		t.Errorf("pending %d (%v), want 0", n, err)
	}
}

// TestFailuresRetriedThenDeadLettered: an error that may pass is retried
// until the last delivery, then dead-lettered; a permanent one at once.
func TestFailuresRetriedThenDeadLettered(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	m := metrics.New()
	var mu sync.Mutex
	tries := map[string]int{}
	stop := runEach(t, b, m, func(_ context.Context, msg *stage.Msg) error {
		mu.Lock()
		tries[string(msg.Data)]++
		mu.Unlock()
		switch string(msg.Data) {
		case "flaky":
			return errors.New("peer away")
		case "bad":
			return stage.Permanent(errors.New("cannot be read"))
		}
		return nil
	})
	publish(t, b, bus.SubjectArticles, "flaky", "bad", "ok")
	waitFor(t, "two dead letters", func() bool { return len(letters(t, b, "uji")) == 2 })
	stop()
	max := b.Options().MaxDeliver
	if tries["flaky"] != max || tries["bad"] != 1 || tries["ok"] != 1 {
		t.Fatalf("tries %v, want flaky %d, bad 1, ok 1", tries, max)
	}
	for _, l := range letters(t, b, "uji") {
		want := map[string]string{"flaky": "peer away", "bad": "cannot be read"}[string(l.Data)]
		if l.Reason != want {
			t.Errorf("%s: reason %q, want %q", l.Data, l.Reason, want)
		}
		if string(l.Data) == "flaky" && l.Deliveries != max {
			t.Errorf("flaky: %d deliveries recorded, want %d", l.Deliveries, max)
		}
	}
	if got := metrics.Sum(m.Failed); got != float64(max-1) {
		t.Errorf("failures counted %v, want %d", got, max-1)
	}
}

// TestReplayAndDrop: a dead letter replayed goes back to its subject and
// is handled; replaying it twice delivers it once; a dropped one is gone.
func TestReplayAndDrop(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	m := metrics.New()
	var mu sync.Mutex
	fixed := false
	var handled []string
	stop := runEach(t, b, m, func(_ context.Context, msg *stage.Msg) error {
		mu.Lock()
		defer mu.Unlock()
		if !fixed {
			return stage.Permanent(errors.New("store rejected it"))
		}
		handled = append(handled, string(msg.Data))
		return nil
	})
	defer stop()
	publish(t, b, bus.SubjectArticles, "satu", "dua")
	waitFor(t, "two dead letters", func() bool { return len(letters(t, b, "uji")) == 2 })
	if n, err := b.DeadLetterCount(context.Background()); err != nil || n != 2 {
		t.Fatalf("dead letter count %d (%v)", n, err)
	}
	mu.Lock()
	fixed = true
	mu.Unlock()
	ls := letters(t, b, "uji")
	ctx := context.Background()
	if _, err := b.Replay(ctx, ls[0].Seq); err != nil {
		t.Fatal(err)
	}
	// The same letter again (as after a crash between publish and removal):
	// it is gone from the stream, so this is an error, not a second copy.
	if _, err := b.Replay(ctx, ls[0].Seq); err == nil {
		t.Error("replaying a replayed letter succeeded")
	}
	if err := b.Drop(ctx, ls[1].Seq); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replayed message", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handled) == 1
	})
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 1 || handled[0] != "satu" {
		t.Fatalf("handled %v, want [satu]", handled)
	}
	if n, _ := b.DeadLetterCount(ctx); n != 0 {
		t.Fatalf("%d dead letters left", n)
	}
}

// abandon takes the next message of the articles consumer and drops it
// unanswered, as a process killed while handling it would; it returns
// once the message is due again.
func abandon(t *testing.T, b *bus.Bus) {
	t.Helper()
	cons, err := b.Consumer(context.Background(), bus.StreamArticles, bus.ConsumerClassifier)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range batch.Messages() {
		n++
	}
	if n != 1 {
		t.Fatalf("fetched %d messages to abandon (%v)", n, batch.Error())
	}
	time.Sleep(b.Options().AckWait + 200*time.Millisecond)
}

// TestKilledDeliveriesDoNotLoseTheMessage: a message whose deliveries all
// ended in kills (here five, max-deliver's default) is still delivered
// and handled — the server used to drop it silently after max-deliver
// deliveries — and one that came more than four times max-deliver
// without an answer is dead-lettered unread.
func TestKilledDeliveriesDoNotLoseTheMessage(t *testing.T) {
	for _, c := range []struct {
		maxDeliver, kills int
		handled           bool
	}{{5, 5, true}, {1, 5, false}} {
		b, err := bus.Open(context.Background(), bus.Options{StoreDir: t.TempDir(), AckWait: time.Second, MaxDeliver: c.maxDeliver}, quietLog())
		if err != nil {
			t.Fatal(err)
		}
		publish(t, b, bus.SubjectArticles, "berita")
		for i := 0; i < c.kills; i++ {
			abandon(t, b)
		}
		m := metrics.New()
		var mu sync.Mutex
		handled := 0
		stop := runEach(t, b, m, func(context.Context, *stage.Msg) error {
			mu.Lock()
			handled++
			mu.Unlock()
			return nil
		})
		waitFor(t, "the message settled", func() bool {
			n, err := b.Pending(context.Background(), bus.StreamArticles, bus.ConsumerClassifier)
			return err == nil && n == 0
		})
		stop()
		ls := letters(t, b, "uji")
		b.Close()
		if c.handled && (handled != 1 || len(ls) != 0) {
			t.Errorf("max-deliver %d, %d kills: handled %d times, %d dead letters; want handled once", c.maxDeliver, c.kills, handled, len(ls))
		}
		if !c.handled && (handled != 0 || len(ls) != 1 || !strings.Contains(ls[0].Reason, "delivered 6 times without an answer")) {
			t.Errorf("max-deliver %d, %d kills: handled %d times, dead letters %+v; want one unread", c.maxDeliver, c.kills, handled, ls)
		}
	}
}

// With an Order, a pull is handed over by its key, lowest first, equal
// keys in arrival order; a message whose key panics comes last and is
// still handled, and one whose handler panics is dead-lettered as ever.
func TestOrderedPull(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	// Published before the loop starts, so one pull holds them all.
	publish(t, b, bus.SubjectArticles, "5", "3", "x", "9", "3", "boom", "1")
	var handled []string
	var mu sync.Mutex
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := stage.Each(ctx, stage.Config{Name: "uji", Stream: bus.StreamArticles, Consumer: bus.ConsumerClassifier,
			Bus: b, Metrics: metrics.New(), Log: quietLog(), Batch: 64, MaxWait: 200 * time.Millisecond,
			Order: func(data []byte) int64 {
				var n int64
				if string(data) == "x" {
					panic("no key")
				}
				if string(data) == "boom" {
					return 4
				}
				fmt.Sscan(string(data), &n)
				return n
			}},
			func(_ context.Context, m *stage.Msg) error {
				mu.Lock()
				handled = append(handled, string(m.Data))
				mu.Unlock()
				if string(m.Data) == "boom" {
					panic("handler")
				}
				return nil
			})
		if err != nil {
			t.Error(err)
		}
	}()
	waitFor(t, "every message", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(handled) == 7
	})
	cancel()
	<-done
	if got := strings.Join(handled, " "); got != "1 3 3 boom 5 9 x" {
		t.Errorf("handled in order %q", got)
	}
	if ls := letters(t, b, "uji"); len(ls) != 1 || string(ls[0].Data) != "boom" {
		t.Errorf("dead letters %+v", ls)
	}
	if n, err := b.Pending(context.Background(), bus.StreamArticles, bus.ConsumerClassifier); err != nil || n != 0 {
		t.Errorf("pending %d (%v), want 0", n, err)
	}
}

// When the stage stops in the middle of an ordered pull, the messages not
// yet handled are not handled with a dead context: they go back and the
// next run takes them.
func TestOrderedPullStops(t *testing.T) {
	b := openBus(t, t.TempDir())
	defer b.Close()
	var msgs []string
	for i := range 40 {
		msgs = append(msgs, fmt.Sprint(100-i))
	}
	publish(t, b, bus.SubjectArticles, msgs...)
	run := func(stopAfter int) []string {
		var handled []string
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			stage.Each(ctx, stage.Config{Name: "uji", Stream: bus.StreamArticles, Consumer: bus.ConsumerClassifier,
				Bus: b, Metrics: metrics.New(), Log: quietLog(), Batch: 64, MaxWait: 200 * time.Millisecond,
				Order: func(data []byte) int64 { var n int64; fmt.Sscan(string(data), &n); return n }},
				func(ctx context.Context, m *stage.Msg) error {
					if ctx.Err() != nil {
						t.Errorf("message %s handed over after the stop", m.Data)
					}
					handled = append(handled, string(m.Data))
					if len(handled) == stopAfter {
						cancel()
					}
					return nil
				})
		}()
		if stopAfter == 0 {
			waitFor(t, "the rest", func() bool {
				n, err := b.Pending(context.Background(), bus.StreamArticles, bus.ConsumerClassifier)
				return err == nil && n == 0
			})
			cancel()
		}
		<-done
		return handled
	}
	first := run(5)
	if strings.Join(first, " ") != "61 62 63 64 65" {
		t.Errorf("first run handled %v", first)
	}
	if rest := run(0); len(rest) != 35 || rest[0] != "66" {
		t.Errorf("second run handled %d: %v", len(rest), rest)
	}
}
