package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Writer consumes classified articles and inserts them into mentions in
// batches bounded by size and time. Messages are acknowledged only after
// their batch was inserted, so a crash loses nothing; a redelivered row is
// absorbed by the ReplacingMergeTree key.
type Writer struct {
	Bus           *bus.Bus
	Backend       Backend
	Metrics       *metrics.Metrics
	Log           *slog.Logger
	BatchSize     int           // rows per insert at most (default 10000)
	FlushInterval time.Duration // longest wait to fill a batch (default 1s)

	migrated bool // the schema was confirmed by this writer

	// crashAt, when set by tests, is asked at each named point; returning
	// true abandons the batch there as if the process had died.
	crashAt func(point string) bool
}

const writerStage = "writer"

// Run writes batches until ctx ends.
func (w *Writer) Run(ctx context.Context) error {
	if w.BatchSize <= 0 {
		w.BatchSize = 10000
	}
	if w.FlushInterval <= 0 {
		w.FlushInterval = time.Second
	}
	cons, err := w.Bus.Consumer(ctx, bus.StreamClassified, bus.ConsumerWriter)
	if err != nil {
		return fmt.Errorf("writer consumer: %w", err)
	}
	for ctx.Err() == nil {
		fetch, err := cons.Fetch(w.BatchSize, jetstream.FetchMaxWait(w.FlushInterval))
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			w.Log.Warn("fetching classified articles", slog.Any("error", err))
			bus.Sleep(ctx, time.Second)
			continue
		}
		var msgs []jetstream.Msg
		var rows []news.Classified
		for msg := range fetch.Messages() {
			var c news.Classified
			if err := json.Unmarshal(msg.Data(), &c); err != nil || c.ID == "" {
				if err == nil {
					err = errors.New("row without id")
				}
				w.deadLetter(ctx, msg, fmt.Errorf("malformed classified article: %w", err))
				continue
			}
			msgs = append(msgs, msg)
			rows = append(rows, c)
		}
		if len(rows) == 0 {
			continue
		}
		if w.crashed("fetched") {
			return nil
		}
		if !w.flush(ctx, msgs, rows) {
			return nil
		}
	}
	return nil
}

func (w *Writer) crashed(point string) bool { return w.crashAt != nil && w.crashAt(point) }

// flush inserts rows and acknowledges msgs. It keeps retrying while the
// store is unavailable, telling the server the messages are still being
// worked on so they are not redelivered meanwhile. It returns false when
// the writer must stop.
func (w *Writer) flush(ctx context.Context, msgs []jetstream.Msg, rows []news.Classified) bool {
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		start := time.Now()
		err := w.ensureSchema(ctx)
		if err == nil {
			err = w.Backend.InsertMentions(ctx, rows)
		}
		if err == nil {
			// Issues after mentions: a crash between them is healed by
			// the redelivered batch, which writes both again.
			err = w.Backend.InsertIssues(ctx, IssuesFrom(rows))
		}
		if err == nil {
			w.Metrics.InsertSeconds.Observe(time.Since(start).Seconds())
			if w.crashed("inserted") {
				return false
			}
			for _, m := range msgs {
				_ = m.Ack()
			}
			w.Metrics.Stored.Add(float64(len(rows)))
			w.Log.Debug("batch stored", slog.Int("rows", len(rows)), slog.Duration("took", time.Since(start)))
			return true
		}
		w.Metrics.Failed.WithLabelValues(writerStage).Inc()
		if !errors.Is(err, ErrUnavailable) {
			w.Log.Error("inserting batch failed; retrying row by row", slog.Int("rows", len(rows)), slog.Any("error", err))
			w.insertOneByOne(ctx, msgs, rows)
			return true
		}
		if attempt == 1 || attempt%10 == 0 {
			w.Log.Error("store unavailable; keeping batch and retrying", slog.Int("rows", len(rows)),
				slog.Int("attempt", attempt), slog.Any("error", err))
		}
		for _, m := range msgs {
			_ = m.InProgress()
		}
		select {
		case <-ctx.Done():
			// Not acknowledged: the messages are redelivered after restart.
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 15*time.Second)
	}
}

// ensureSchema migrates the store once per writer, so a store that was
// down when the process started gets its tables when it comes back. A
// failure counts as the store being unavailable: the batch is kept.
func (w *Writer) ensureSchema(ctx context.Context) error {
	if w.migrated {
		return nil
	}
	if _, err := Migrate(ctx, w.Backend, w.Log); err != nil {
		if errors.Is(err, ErrUnavailable) {
			return err
		}
		return fmt.Errorf("%w: migrating: %w", ErrUnavailable, err)
	}
	w.migrated = true
	return nil
}

func (w *Writer) insertOneByOne(ctx context.Context, msgs []jetstream.Msg, rows []news.Classified) {
	for i := range rows {
		err := w.Backend.InsertMentions(ctx, rows[i:i+1])
		if err == nil {
			_ = msgs[i].Ack()
			w.Metrics.Stored.Inc()
			continue
		}
		md, merr := msgs[i].Metadata()
		if errors.Is(err, ErrUnavailable) || merr != nil || md.NumDelivered < uint64(w.Bus.Options().MaxDeliver) {
			_ = msgs[i].NakWithDelay(5 * time.Second)
			continue
		}
		w.deadLetter(ctx, msgs[i], fmt.Errorf("store rejected row %s: %w", rows[i].ID, err))
	}
}

func (w *Writer) deadLetter(ctx context.Context, msg jetstream.Msg, reason error) {
	w.Metrics.DeadLettered.WithLabelValues(writerStage).Inc()
	w.Bus.Reject(ctx, writerStage, msg, reason)
}
