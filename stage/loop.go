// Package stage holds the one consume loop every pipeline stage runs on,
// and the stages built on it. The loop fetches from a JetStream pull
// consumer, hands each message over with the function that settles it
// (redpanda connect's AckFunc style), recovers a panic, and dead-letters
// what cannot be handled with the reason in headers. The classifier stage
// writes only its handler (classify, tag, assign an issue, publish) and the
// writer only its batch write (insert, acknowledged after the insert, kept
// while the store is unavailable). A stage must not fetch, acknowledge or
// dead-letter by itself, and the loop must not know what a message means.
package stage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
)

// Config names a stage's consumer and how it fetches.
type Config struct {
	Name     string // the stage: log attribute, metrics label, dead-letter subject pantau.dlq.<Name>
	Stream   string
	Consumer string // a durable pull consumer created by bus.Open
	Bus      *bus.Bus
	Metrics  *metrics.Metrics
	Log      *slog.Logger

	Batch      int           // messages per fetch (default 256)
	MaxWait    time.Duration // longest wait to fill a fetch (default 500ms)
	RetryDelay time.Duration // redelivery delay after a failure that may pass (default 2s)

	// Order, when set, has Each read a whole fetch before handling it and
	// hand its messages over by this key, lowest first (equal keys in
	// arrival order). A crawl delivers each outlet's items newest first and
	// the outlets one after another; the classifier places articles in
	// issues best in the order they were published.
	Order func(data []byte) int64

	// crashAt, when set by tests, is asked at each named point ("fetched",
	// "written"); returning true abandons the loop there as if the process
	// had died: nothing more is acknowledged.
	crashAt func(point string) bool
}

// AckFunc settles one message: nil acknowledges it; an error marks it
// failed. A permanent error (see Permanent), or any error once the message
// was delivered bus.Options.MaxDeliver times, dead-letters it with the
// error as reason; any other error has it redelivered after the stage's
// retry delay. (The server redelivers without limit; a message delivered
// more than four times MaxDeliver without being settled is dead-lettered
// unread, see crashLimit.)
type AckFunc func(ctx context.Context, err error)

// Msg is one message handed to a stage.
type Msg struct {
	Data       []byte
	Subject    string
	Deliveries uint64 // deliveries so far, this one included

	raw     jetstream.Msg
	l       *loop
	settled bool
}

// Ack settles m (it is an AckFunc). A message is settled once; later calls
// do nothing.
func (m *Msg) Ack(ctx context.Context, err error) {
	if m.settled {
		return
	}
	m.settled = true
	m.l.settle(ctx, m, err)
}

// InProgress tells the server the message is still being worked on, so it
// is not redelivered meanwhile.
func (m *Msg) InProgress() {
	if err := m.raw.InProgress(); err != nil {
		m.l.Log.Warn("extending a message's ack wait", slog.Any("error", err))
	}
}

// PermanentError is a failure that no retry can fix (a malformed message,
// a value the store rejects): its message is dead-lettered at once.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as permanent.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// IsPermanent reports whether err was marked permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

type loop struct {
	Config
	cons       jetstream.Consumer
	maxDeliver uint64
}

func open(ctx context.Context, c Config) (*loop, error) {
	if c.Batch <= 0 {
		c.Batch = 256
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 500 * time.Millisecond
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = 2 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	cons, err := c.Bus.Consumer(ctx, c.Stream, c.Consumer)
	if err != nil {
		return nil, fmt.Errorf("%s consumer: %w", c.Name, err)
	}
	return &loop{Config: c, cons: cons, maxDeliver: uint64(c.Bus.Options().MaxDeliver)}, nil
}

func (l *loop) crashed(point string) bool { return l.crashAt != nil && l.crashAt(point) }

// fetch starts one pull of up to n messages. It returns nil when ctx ended.
func (l *loop) fetch(ctx context.Context, n int) jetstream.MessageBatch {
	for ctx.Err() == nil {
		batch, err := l.cons.Fetch(n, jetstream.FetchMaxWait(l.MaxWait))
		if err == nil {
			return batch
		}
		if ctx.Err() != nil {
			break
		}
		l.Log.Warn("fetching messages", slog.Any("error", err))
		sleep(ctx, time.Second)
	}
	return nil
}

// fetchErr logs what ended a pull early, other than an empty or timed-out
// pull or the stage stopping.
func (l *loop) fetchErr(ctx context.Context, batch jetstream.MessageBatch) {
	err := batch.Error()
	if err == nil || ctx.Err() != nil || errors.Is(err, jetstream.ErrNoMessages) || errors.Is(err, context.DeadlineExceeded) {
		return
	}
	l.Log.Warn("pulling messages", slog.Any("error", err))
}

func (l *loop) wrap(raw jetstream.Msg) *Msg {
	m := &Msg{Data: raw.Data(), Subject: raw.Subject(), raw: raw, l: l}
	if md, err := raw.Metadata(); err == nil {
		m.Deliveries = md.NumDelivered
	}
	return m
}

// crashLimit is how many deliveries a message may have without being
// settled — each ended by a crash or a kill of the process, not by a
// failure — before the loop dead-letters it unread: it may be what stops
// the process.
func (l *loop) crashLimit() uint64 { return 4 * l.maxDeliver }

// overDelivered dead-letters m when it came more often than crashLimit.
func (l *loop) overDelivered(ctx context.Context, m *Msg) bool {
	if l.maxDeliver == 0 || m.Deliveries <= l.crashLimit() {
		return false
	}
	m.Ack(ctx, Permanent(fmt.Errorf("delivered %d times without an answer: the message may stop the process", m.Deliveries)))
	return true
}

// settle acknowledges, redelivers or dead-letters m after err.
func (l *loop) settle(ctx context.Context, m *Msg, err error) {
	if err == nil {
		if aerr := m.raw.Ack(); aerr != nil {
			// The message comes again; its stage's work is idempotent.
			l.Log.Warn("acknowledging a message", slog.Any("error", aerr))
		}
		return
	}
	if ctx.Err() != nil && !IsPermanent(err) {
		// The stage is stopping: let the next start try again.
		l.nak(m, 0)
		return
	}
	if IsPermanent(err) || (l.maxDeliver > 0 && m.Deliveries >= l.maxDeliver) {
		l.deadLetter(ctx, m, err)
		return
	}
	l.Metrics.Failed.WithLabelValues(l.Name).Inc()
	l.Log.Warn("handling a message failed; it will be redelivered", slog.Uint64("deliveries", m.Deliveries), slog.Any("error", err))
	l.nak(m, l.RetryDelay)
}

func (l *loop) nak(m *Msg, delay time.Duration) {
	if err := m.raw.NakWithDelay(delay); err != nil {
		l.Log.Warn("returning a message for redelivery", slog.Any("error", err))
	}
}

func (l *loop) deadLetter(ctx context.Context, m *Msg, reason error) {
	var extra map[string]string
	var pe *PanicError
	if errors.As(reason, &pe) {
		extra = map[string]string{HeaderStack: pe.Stack}
	}
	l.Log.Error("dead-lettering a message", slog.Uint64("deliveries", m.Deliveries), slog.Any("reason", reason))
	// The message is settled even when the stage is stopping.
	if err := l.Bus.DeadLetter(context.WithoutCancel(ctx), l.Name, m.raw, reason, extra); err != nil {
		l.Log.Error("dead-lettering failed; the message will be redelivered", slog.Any("error", err))
		l.nak(m, l.RetryDelay)
		return
	}
	l.Metrics.DeadLettered.WithLabelValues(l.Name).Inc()
}

// Each hands the messages of c's consumer to handle, one at a time as they
// arrive (with c.Order, each pull once read, in the key's order), until
// ctx ends. Each message is settled with handle's result
// unless handle settled it itself; a panic in handle dead-letters the
// message with the panic as reason, and the loop goes on.
func Each(ctx context.Context, c Config, handle func(ctx context.Context, m *Msg) error) error {
	l, err := open(ctx, c)
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		pulled := time.Now()
		batch := l.fetch(ctx, l.Batch)
		if batch == nil {
			break
		}
		if l.Order != nil {
			l.ordered(ctx, batch, pulled, handle)
			continue
		}
		for raw := range batch.Messages() {
			m := l.wrap(raw)
			if l.overDelivered(ctx, m) {
				continue
			}
			err := l.call(func() error { return handle(ctx, m) })
			m.Ack(ctx, err)
		}
		l.fetchErr(ctx, batch)
	}
	return nil
}

// ordered reads the whole batch, then hands its messages to handle in the
// order of l.Order. The messages still waiting are marked in progress
// every third of the ack wait (counted from the pull, when their ack
// timers started), so a long batch is not redelivered while it is worked
// through. When ctx ends, those not yet handled go back at once.
func (l *loop) ordered(ctx context.Context, batch jetstream.MessageBatch, pulled time.Time, handle func(ctx context.Context, m *Msg) error) {
	type keyed struct {
		m   *Msg
		key int64
	}
	var ms []keyed
	for raw := range batch.Messages() {
		m := l.wrap(raw)
		if l.overDelivered(ctx, m) {
			continue
		}
		k := keyed{m: m}
		if err := l.call(func() error { k.key = l.Order(m.Data); return nil }); err != nil {
			// It comes last; handle judges the message.
			l.Log.Warn("reading a message's order key", slog.Any("error", err))
			k.key = math.MaxInt64
		}
		ms = append(ms, k)
	}
	l.fetchErr(ctx, batch)
	slices.SortStableFunc(ms, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	msgs := make([]*Msg, len(ms))
	for i, k := range ms {
		msgs[i] = k.m
	}
	every := max(l.Bus.Options().AckWait/3, 10*time.Millisecond)
	last := pulled
	for i, m := range msgs {
		if ctx.Err() != nil {
			for _, w := range msgs[i:] {
				l.nak(w, 0)
			}
			return
		}
		if time.Since(last) > every {
			l.inProgress(msgs[i:])
			last = time.Now()
		}
		err := l.call(func() error { return handle(ctx, m) })
		m.Ack(ctx, err)
	}
}

// inProgress marks messages in progress, logging failures once.
func (l *loop) inProgress(ms []*Msg) {
	failed := 0
	var last error
	for _, m := range ms {
		if err := m.raw.InProgress(); err != nil {
			failed++
			last = err
		}
	}
	if failed > 0 {
		l.Log.Warn("extending the ack wait of waiting messages", slog.Int("failed", failed), slog.Any("error", last))
	}
}

// Batch is what a batch stage supplies: how a message becomes an item, and
// how a batch of items is written.
type Batch[T any] struct {
	// Decode reads one message. An error dead-letters the message: no
	// retry can make it writable.
	Decode func(data []byte) (T, error)
	// Write writes items all or nothing.
	Write func(ctx context.Context, items []T) error
	// Temporary reports errors after which the whole batch is kept and
	// written again (the store is unavailable). After any other error the
	// items are written one by one and each is settled on its own.
	Temporary func(err error) bool
}

// Batches fetches up to c.Batch messages at a time (waiting at most
// c.MaxWait to fill a batch), decodes them and writes each batch with b.
// Messages are acknowledged only after their batch was written.
func Batches[T any](ctx context.Context, c Config, b Batch[T]) error {
	l, err := open(ctx, c)
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		batch := l.fetch(ctx, l.Batch)
		if batch == nil {
			break
		}
		var msgs []*Msg
		var items []T
		for raw := range batch.Messages() {
			m := l.wrap(raw)
			if l.overDelivered(ctx, m) {
				continue
			}
			var item T
			err := l.call(func() (err error) {
				item, err = b.Decode(m.Data)
				return err
			})
			if err != nil {
				m.Ack(ctx, Permanent(fmt.Errorf("malformed message: %w", err)))
				continue
			}
			msgs = append(msgs, m)
			items = append(items, item)
		}
		l.fetchErr(ctx, batch)
		if len(items) == 0 {
			continue
		}
		if l.crashed("fetched") || !writeBatch(ctx, l, b, msgs, items) {
			return nil
		}
	}
	return nil
}

// writeBatch writes items and settles msgs. While the batch fails with
// temporary errors it is kept: the messages are marked in progress so they
// are not redelivered, and the write is retried with back-off. It returns
// false when the loop must stop.
func writeBatch[T any](ctx context.Context, l *loop, b Batch[T], msgs []*Msg, items []T) bool {
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := l.call(func() error { return b.Write(ctx, items) })
		if err == nil {
			if l.crashed("written") {
				return false
			}
			for _, m := range msgs {
				m.Ack(ctx, nil)
			}
			return true
		}
		l.Metrics.Failed.WithLabelValues(l.Name).Inc()
		if IsPermanent(err) || b.Temporary == nil || !b.Temporary(err) {
			l.Log.Error("writing a batch failed; writing item by item", slog.Int("items", len(items)), slog.Any("error", err))
			for i, m := range msgs {
				m.Ack(ctx, l.call(func() error { return b.Write(ctx, items[i:i+1]) }))
			}
			return true
		}
		if attempt == 1 || attempt%10 == 0 {
			l.Log.Error("store unavailable; keeping the batch and retrying", slog.Int("items", len(items)),
				slog.Int("attempt", attempt), slog.Any("error", err))
		}
		l.inProgress(msgs)
		select {
		case <-ctx.Done():
			// Not acknowledged: the messages are redelivered after a restart.
			return false
		case <-time.After(backoff):
		}
		// Retry at least twice per ack wait, so the held messages are
		// marked in progress before the server would redeliver them.
		backoff = min(backoff*2, 15*time.Second, max(l.Bus.Options().AckWait/2, 100*time.Millisecond))
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
