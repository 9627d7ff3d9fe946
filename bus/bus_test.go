package bus

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestReopenIsIdempotentAndDeduplicates opens the embedded server twice on
// the same store (streams and consumers are created again without error)
// and checks that a repeated message id is dropped, also across restarts.
func TestReopenIsIdempotentAndDeduplicates(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := Open(ctx, Options{StoreDir: dir}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if dup, err := b.Publish(ctx, SubjectArticles, "id-1", []byte("a")); err != nil || dup {
		t.Fatalf("first publish: dup=%v err=%v", dup, err)
	}
	if dup, err := b.Publish(ctx, SubjectArticles, "id-1", []byte("a")); err != nil || !dup {
		t.Fatalf("second publish: dup=%v err=%v", dup, err)
	}
	b.Close()

	b, err = Open(ctx, Options{StoreDir: dir}, quiet())
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer b.Close()
	if dup, err := b.Publish(ctx, SubjectArticles, "id-1", []byte("a")); err != nil || !dup {
		t.Fatalf("publish after restart: dup=%v err=%v", dup, err)
	}
	n, err := b.Pending(ctx, StreamArticles, ConsumerClassifier)
	if err != nil || n != 1 {
		t.Fatalf("pending %d, %v; want 1", n, err)
	}
}

// TestSyncOptionsReachTheEmbeddedServer: sync: always makes the embedded
// JetStream fsync every write; otherwise it flushes on the interval given.
func TestSyncOptionsReachTheEmbeddedServer(t *testing.T) {
	ctx := context.Background()
	for _, o := range []Options{{SyncAlways: true}, {SyncInterval: 10 * time.Second}} {
		o.StoreDir = t.TempDir()
		b, err := Open(ctx, o, quiet())
		if err != nil {
			t.Fatal(err)
		}
		cfg := b.srv.JetStreamConfig()
		b.Close()
		if cfg.SyncAlways != o.SyncAlways || (!o.SyncAlways && cfg.SyncInterval != o.SyncInterval) {
			t.Errorf("options %+v: server has sync_always %v, sync_interval %s", o, cfg.SyncAlways, cfg.SyncInterval)
		}
	}
}

// TestConsumersRedeliverWithoutLimit: the stage consumers have no
// server-side max-deliver (the server would drop a message silently after
// it); a store whose consumers an older Pantau created with one is
// updated on open.
func TestConsumersRedeliverWithoutLimit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := Open(ctx, Options{StoreDir: dir}, quiet())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.JS.CreateOrUpdateConsumer(ctx, StreamClassified, jetstream.ConsumerConfig{Durable: ConsumerWriter,
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second, MaxDeliver: 5, MaxAckPending: 40000, MaxWaiting: 16}); err != nil {
		t.Fatal(err)
	}
	b.Close()
	b, err = Open(ctx, Options{StoreDir: dir}, quiet())
	if err != nil {
		t.Fatalf("reopening a store with an old consumer: %v", err)
	}
	defer b.Close()
	for stream, name := range map[string]string{StreamArticles: ConsumerClassifier, StreamClassified: ConsumerWriter} {
		c, err := b.Consumer(ctx, stream, name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Config.MaxDeliver != -1 {
			t.Errorf("%s: max deliver %d, want -1 (no limit)", name, info.Config.MaxDeliver)
		}
	}
}
