package stage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Writer consumes classified articles and inserts them into mentions in
// batches bounded by size and time. Messages are acknowledged only after
// their batch was inserted, so a crash loses nothing; a redelivered row is
// absorbed by the ReplacingMergeTree key. While the store is unavailable
// the batch is kept and retried.
type Writer struct {
	Bus           *bus.Bus
	Store         store.Backend
	Metrics       *metrics.Metrics
	Log           *slog.Logger
	BatchSize     int           // rows per insert at most (default 10000)
	FlushInterval time.Duration // longest wait to fill a batch (default 1s)
	RetryDelay    time.Duration // redelivery delay of a row the store refused (default 5s)

	migrated bool                    // the schema was confirmed by this writer
	crashAt  func(point string) bool // tests: see Config.crashAt
}

// WriterName is the writer stage's name (metrics, dead letters).
const WriterName = "writer"

// Run writes batches until ctx ends.
func (w *Writer) Run(ctx context.Context) error {
	if w.BatchSize <= 0 {
		w.BatchSize = 10000
	}
	if w.FlushInterval <= 0 {
		w.FlushInterval = time.Second
	}
	if w.RetryDelay <= 0 {
		w.RetryDelay = 5 * time.Second
	}
	return Batches(ctx, Config{Name: WriterName, Stream: bus.StreamClassified, Consumer: bus.ConsumerWriter,
		Bus: w.Bus, Metrics: w.Metrics, Log: w.Log, Batch: w.BatchSize, MaxWait: w.FlushInterval, RetryDelay: w.RetryDelay,
		crashAt: w.crashAt},
		Batch[news.Classified]{Decode: decodeClassified, Write: w.write, Temporary: store.IsUnavailable})
}

func decodeClassified(data []byte) (news.Classified, error) {
	var c news.Classified
	if err := json.Unmarshal(data, &c); err != nil {
		return c, err
	}
	return c, ValidID(c.ID)
}

// write inserts rows and the issue states they carry.
func (w *Writer) write(ctx context.Context, rows []news.Classified) error {
	start := time.Now()
	if err := w.ensureSchema(ctx); err != nil {
		return err
	}
	// A re-crawled article keeps an analyst's label (store/relabel.go).
	if err := store.KeepHumanLabels(ctx, w.Store, rows); err != nil {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	if err := w.Store.InsertMentions(ctx, rows); err != nil {
		return err
	}
	// Issues after mentions: a crash between them is healed by the
	// redelivered batch, which writes both again.
	if err := w.Store.InsertIssues(ctx, store.IssuesFrom(rows)); err != nil {
		return err
	}
	w.Metrics.InsertSeconds.Observe(time.Since(start).Seconds())
	w.Metrics.Stored.Add(float64(len(rows)))
	w.Log.Debug("batch stored", slog.Int("rows", len(rows)), slog.Duration("took", time.Since(start)))
	return nil
}

// ensureSchema migrates the store once per writer, so a store that was
// down when the process started gets its tables when it comes back. A
// failure counts as the store being unavailable: the batch is kept.
func (w *Writer) ensureSchema(ctx context.Context) error {
	if w.migrated {
		return nil
	}
	if _, err := store.Migrate(ctx, w.Store, w.Log); err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			return err
		}
		return fmt.Errorf("%w: migrating: %w", store.ErrUnavailable, err)
	}
	w.migrated = true
	return nil
}
