// Package bus holds Pantau's NATS JetStream plumbing: the embedded server
// used when no NATS URL is configured, the streams and durable pull
// consumers each stage uses, publishing with de-duplication ids, and the
// dead-letter subject. It must not know what the messages mean.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Streams, subjects and consumers used by the pipeline.
const (
	StreamArticles   = "PANTAU_ARTICLES"
	SubjectArticles  = "pantau.articles"
	StreamClassified = "PANTAU_CLASSIFIED"
	SubjectClassify  = "pantau.classified"
	StreamDLQ        = "PANTAU_DLQ"
	SubjectDLQPrefix = "pantau.dlq."

	ConsumerClassifier = "classifier"
	ConsumerWriter     = "writer"
)

// Options configure the connection and the streams.
type Options struct {
	URL               string        // empty: start an embedded server
	StoreDir          string        // JetStream store of the embedded server
	Replicas          int           // stream replicas (1 on one box, 3 on a cluster)
	DuplicateWindow   time.Duration // how long a message id is remembered
	MaxAge            time.Duration // how long articles stay in their streams
	MaxDeliver        int           // failed attempts at a message before its stage dead-letters it (see ensure)
	AckWait           time.Duration
	ClassifierPending int // max unacked messages for the classifier consumer
	WriterPending     int // max unacked messages for the writer consumer

	// Durability of the embedded server's store (a NATS server's own
	// configuration decides for it). SyncAlways fsyncs every write before
	// it is acknowledged: a published article survives a power loss.
	// Otherwise the store is flushed every SyncInterval (default 2m, as
	// nats-server) and survives a crash of the process, not of the OS.
	SyncAlways   bool
	SyncInterval time.Duration
}

func (o *Options) setDefaults() {
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	if o.DuplicateWindow == 0 {
		o.DuplicateWindow = 24 * time.Hour
	}
	if o.MaxAge == 0 {
		o.MaxAge = 7 * 24 * time.Hour
	}
	if o.MaxDeliver == 0 {
		o.MaxDeliver = 5
	}
	if o.AckWait == 0 {
		o.AckWait = 30 * time.Second
	}
	if o.ClassifierPending == 0 {
		o.ClassifierPending = 4096
	}
	if o.WriterPending == 0 {
		o.WriterPending = 40000
	}
}

// PublishTimeout bounds one publish and its acknowledgement.
var PublishTimeout = 10 * time.Second

// Bus is a connection to JetStream, with the embedded server if one was
// started.
type Bus struct {
	NC   *nats.Conn
	JS   jetstream.JetStream
	srv  *server.Server
	opts Options
	log  *slog.Logger
}

// Open connects to NATS (or starts the embedded server) and creates the
// streams and consumers idempotently.
func Open(ctx context.Context, opts Options, log *slog.Logger) (*Bus, error) {
	opts.setDefaults()
	b := &Bus{opts: opts, log: log}
	var err error
	if opts.URL == "" {
		if err := b.startEmbedded(); err != nil {
			return nil, err
		}
		b.NC, err = nats.Connect("", nats.InProcessServer(b.srv), nats.Name("pantau"))
	} else {
		b.NC, err = nats.Connect(opts.URL, nats.Name("pantau"), nats.MaxReconnects(-1),
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				log.Warn("nats disconnected", slog.Any("error", err))
			}),
			nats.ReconnectHandler(func(nc *nats.Conn) {
				log.Info("nats reconnected", slog.String("url", nc.ConnectedUrlRedacted()))
			}))
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("connecting to nats: %w", err)
	}
	b.JS, err = jetstream.New(b.NC)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	if err := b.ensure(ctx); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func (b *Bus) startEmbedded() error {
	dir := b.opts.StoreDir
	if dir == "" {
		return errors.New("embedded nats needs a store dir")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	srv, err := server.NewServer(&server.Options{
		ServerName:   "pantau-embedded",
		DontListen:   true,
		JetStream:    true,
		StoreDir:     abs,
		NoSigs:       true,
		SyncAlways:   b.opts.SyncAlways,
		SyncInterval: b.opts.SyncInterval,
	})
	if err != nil {
		return fmt.Errorf("embedded nats: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return errors.New("embedded nats did not start in 10s")
	}
	b.srv = srv
	return nil
}

func (b *Bus) ensure(ctx context.Context) error {
	o := b.opts
	streams := []jetstream.StreamConfig{
		{Name: StreamArticles, Subjects: []string{SubjectArticles}, Storage: jetstream.FileStorage,
			Replicas: o.Replicas, Duplicates: o.DuplicateWindow, MaxAge: o.MaxAge,
			Description: "crawled articles waiting for classification"},
		{Name: StreamClassified, Subjects: []string{SubjectClassify}, Storage: jetstream.FileStorage,
			Replicas: o.Replicas, Duplicates: o.DuplicateWindow, MaxAge: o.MaxAge,
			Description: "classified articles waiting for the store"},
		{Name: StreamDLQ, Subjects: []string{SubjectDLQPrefix + ">"}, Storage: jetstream.FileStorage,
			Replicas: o.Replicas, MaxAge: 30 * 24 * time.Hour,
			Description: "messages a stage gave up on, with the reason in headers"},
	}
	for _, s := range streams {
		if _, err := b.JS.CreateOrUpdateStream(ctx, s); err != nil {
			return fmt.Errorf("creating stream %s: %w", s.Name, err)
		}
	}
	consumers := []struct {
		stream  string
		name    string
		pending int
	}{
		{StreamArticles, ConsumerClassifier, o.ClassifierPending},
		{StreamClassified, ConsumerWriter, o.WriterPending},
	}
	for _, c := range consumers {
		_, err := b.JS.CreateOrUpdateConsumer(ctx, c.stream, jetstream.ConsumerConfig{
			Durable:   c.name,
			AckPolicy: jetstream.AckExplicitPolicy,
			AckWait:   o.AckWait,
			// The server redelivers without limit: with a limit it drops a
			// message after that many deliveries, also when they ended in
			// a crash or a kill rather than a failure — silently lost. The
			// stage loop counts the failures and dead-letters instead.
			MaxDeliver:    -1,
			MaxAckPending: c.pending,
			MaxWaiting:    16,
		})
		if err != nil {
			return fmt.Errorf("creating consumer %s on %s: %w", c.name, c.stream, err)
		}
	}
	return nil
}

// Options returns the effective options.
func (b *Bus) Options() Options { return b.opts }

// Embedded reports whether the bus runs its own server.
func (b *Bus) Embedded() bool { return b.srv != nil }

// Consumer returns a durable consumer created by Open.
func (b *Bus) Consumer(ctx context.Context, stream, name string) (jetstream.Consumer, error) {
	return b.JS.Consumer(ctx, stream, name)
}

// Publish publishes data with a message id; the stream drops a message
// whose id it saw within the duplicate window. It reports whether the
// message was such a duplicate.
func (b *Bus) Publish(ctx context.Context, subject, msgID string, data []byte) (duplicate bool, err error) {
	// A publish whose ack is lost (a cluster node stopping, a leader
	// election) must fail and be retried, not wait forever.
	ctx, cancel := context.WithTimeout(ctx, PublishTimeout)
	defer cancel()
	ack, err := b.JS.Publish(ctx, subject, data, jetstream.WithMsgID(msgID))
	if err != nil {
		return false, fmt.Errorf("publishing to %s: %w", subject, err)
	}
	return ack.Duplicate, nil
}

// Pending returns how many messages a consumer has not yet finished:
// waiting to be delivered plus delivered and not acknowledged.
func (b *Bus) Pending(ctx context.Context, stream, consumer string) (uint64, error) {
	c, err := b.JS.Consumer(ctx, stream, consumer)
	if err != nil {
		return 0, err
	}
	info, err := c.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.NumPending + uint64(info.NumAckPending), nil
}

// Close drains the connection and stops the embedded server.
func (b *Bus) Close() {
	if b.NC != nil {
		_ = b.NC.Drain()
		for i := 0; i < 50 && !b.NC.IsClosed(); i++ {
			time.Sleep(20 * time.Millisecond)
		}
		b.NC.Close()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
}
