// Package pipeline wires Pantau's stages together — bus, store, crawler,
// classifier, writer — and owns their start-up and shutdown order. It holds
// no stage logic of its own.
package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/chdb"
	"github.com/diskominfo-kaltim/pantau/store/clickhouse"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// OpenStore opens the configured backend: a ClickHouse server when a DSN
// is set, otherwise chDB under the data dir.
func OpenStore(ctx context.Context, cfg *config.Config) (store.Backend, error) {
	if cfg.ClickHouseDSN != "" {
		return clickhouse.Open(ctx, cfg.ClickHouseDSN)
	}
	b, err := chdb.Open(filepath.Join(cfg.DataDir, "clickhouse"), cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("opening embedded clickhouse in %s: %w", cfg.DataDir, err)
	}
	return b, nil
}

// Pipeline is the whole system in one process.
type Pipeline struct {
	cfg     *config.Config
	log     *slog.Logger
	Metrics *metrics.Metrics
	Bus     *bus.Bus
	Store   store.Backend
	Crawler *crawler.Crawler
	Model   classifier.Model
	Tagger  *tagger.Tagger
	Issues  *issuemap.Clusterer
}

// NewTagger loads the tagger with the office's OPD mapping (opd-map), or
// the shipped one.
func NewTagger(cfg *config.Config) (*tagger.Tagger, error) {
	if cfg.OPDMapFile == "" {
		return tagger.New()
	}
	data, err := os.ReadFile(cfg.OPDMapFile)
	if err != nil {
		return nil, fmt.Errorf("opd-map: %w", err)
	}
	t, err := tagger.NewWithOPDs(data)
	if err != nil {
		return nil, fmt.Errorf("opd-map %s: %w", cfg.OPDMapFile, err)
	}
	return t, nil
}

// Open starts the bus and the store (migrating it) and prepares the stages.
func Open(ctx context.Context, cfg *config.Config, log *slog.Logger) (*Pipeline, error) {
	p := &Pipeline{cfg: cfg, log: log, Metrics: metrics.New()}
	start := time.Now()
	model, err := classifier.Open(cfg.Model)
	if err != nil {
		return nil, fmt.Errorf("loading the classifier: %w", err)
	}
	p.Model = model
	log.Info("classifier loaded", slog.String("model_version", model.Version()), slog.Duration("took", time.Since(start)))
	if p.Tagger, err = NewTagger(cfg); err != nil {
		return nil, err
	}
	start = time.Now()
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	p.Store = st
	if _, err := store.Migrate(ctx, st, log); err != nil {
		// A store that is down must not stop the pipeline: the writer keeps
		// retrying and nothing is acknowledged until it is back.
		log.Error("store not ready; the writer will retry", slog.String("backend", st.Name()), slog.Any("error", err))
	}
	log.Info("store opened", slog.String("backend", st.Name()), slog.Duration("took", time.Since(start)))

	start = time.Now()
	b, err := bus.Open(ctx, bus.Options{URL: cfg.NATSURL, StoreDir: filepath.Join(cfg.DataDir, "nats"), AckWait: cfg.AckWait, Replicas: cfg.NATSReplicas}, log)
	if err != nil {
		st.Close()
		return nil, err
	}
	p.Bus = b
	log.Info("bus opened", slog.Bool("embedded", b.Embedded()), slog.Duration("took", time.Since(start)))

	p.Crawler = &crawler.Crawler{
		Sources:   cfg.Sources,
		Fetcher:   crawler.NewFetcher(cfg.UserAgent+" (+"+cfg.ContactURL+")", cfg.FetchTimeout, int64(cfg.MaxPageBytes)),
		Bus:       b,
		Metrics:   p.Metrics,
		Log:       log.With(slog.String("stage", "crawler")),
		Workers:   cfg.Workers,
		HostDelay: cfg.HostDelay,
	}
	if err := p.Crawler.Init(ctx); err != nil {
		p.Close()
		return nil, err
	}
	if p.Issues, err = issuemap.NewClusterer(ctx, b.JS, b.Options().Replicas, log); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Summary is what one --once run did.
type Summary struct {
	crawler.Stats
	Classified int64
	Stored     int64
	Dead       int64
	Total      int64 // distinct articles in mentions
	Took       time.Duration
}

// String is the one-line summary printed for analysts.
func (s Summary) String() string {
	return fmt.Sprintf("selesai: %d sumber (%d gagal), %d item feed, %d artikel baru, %d sudah ada, %d gagal; "+
		"%d diklasifikasi, %d tersimpan, %d ke dead-letter; total %d artikel di basis data (%.1f dtk)",
		s.Sources, s.SourcesFailed, s.Items, s.New, s.Duplicates, s.Failed,
		s.Classified, s.Stored, s.Dead, s.Total, s.Took.Seconds())
}

// Run runs the pipeline until ctx ends, or, with once, crawls every source
// once and returns when everything crawled is classified and stored.
func (p *Pipeline) Run(ctx context.Context, once bool) (Summary, error) {
	start := time.Now()
	if err := p.Metrics.Serve(ctx, p.cfg.MetricsAddr, p.log); err != nil {
		p.log.Error("metrics endpoint not started", slog.String("addr", p.cfg.MetricsAddr), slog.Any("error", err))
	}
	stageCtx, stopStages := context.WithCancel(context.WithoutCancel(ctx))
	defer stopStages()
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(stageCtx); err != nil {
				p.log.Error("stage stopped", slog.String("stage", name), slog.Any("error", err))
			}
		}()
	}
	cls := &classifier.Stage{Bus: p.Bus, Model: p.Model, Tagger: p.Tagger, Issues: p.Issues, Metrics: p.Metrics,
		Log: p.log.With(slog.String("stage", "classifier"))}
	wr := &store.Writer{Bus: p.Bus, Backend: p.Store, Metrics: p.Metrics, Log: p.log.With(slog.String("stage", "writer")),
		BatchSize: p.cfg.WriterBatch, FlushInterval: p.cfg.WriterFlush}
	if p.cfg.HasStage("classifier") {
		run("classifier", cls.Run)
	}
	if p.cfg.HasStage("writer") {
		run("writer", wr.Run)
	}
	run("lag", p.watchLag)

	var sum Summary
	if once && !(p.cfg.HasStage("crawler") && p.cfg.HasStage("classifier") && p.cfg.HasStage("writer")) {
		return sum, fmt.Errorf("--once needs the crawler, classifier and writer stages")
	}
	if once {
		st := p.Crawler.CrawlOnce(ctx)
		sum.Stats = *st
		t := time.Now()
		if err := p.waitDrained(ctx, p.cfg.DrainTimeout); err != nil {
			p.log.Error("pipeline not drained", slog.Any("error", err))
		}
		p.log.Info("pipeline drained", slog.Duration("took", time.Since(t)))
	} else {
		if p.cfg.HasStage("crawler") {
			_ = p.Crawler.Run(ctx, p.cfg.PollInterval)
		} else {
			<-ctx.Done()
		}
		t := time.Now()
		p.log.Info("crawler stopped; draining")
		dctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		_ = p.waitDrained(dctx, 15*time.Second)
		cancel()
		p.log.Info("consumers drained", slog.Duration("took", time.Since(t)))
	}
	t := time.Now()
	stopStages()
	wg.Wait()
	p.log.Info("stages stopped", slog.Duration("took", time.Since(t)))

	sum.Classified = int64(metrics.Sum(p.Metrics.Classified))
	sum.Stored = int64(metrics.Value(p.Metrics.Stored))
	sum.Dead = int64(metrics.Sum(p.Metrics.DeadLettered))
	if res, err := p.Store.Query(context.WithoutCancel(ctx), "SELECT count() FROM "+p.Store.Database()+".mentions FINAL", nil); err == nil && len(res.Rows) == 1 {
		fmt.Sscan(res.Rows[0][0], &sum.Total)
	}
	sum.Took = time.Since(start)
	return sum, nil
}

// waitDrained waits until both consumers have nothing pending. The
// classifier publishes before it acknowledges, so once its consumer is
// empty every crawled article is on the classified stream.
func (p *Pipeline) waitDrained(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		a, err1 := p.Bus.Pending(ctx, bus.StreamArticles, bus.ConsumerClassifier)
		c, err2 := p.Bus.Pending(ctx, bus.StreamClassified, bus.ConsumerWriter)
		if err1 == nil && err2 == nil && a == 0 && c == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still pending after %s: %d to classify, %d to store", limit, a, c)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (p *Pipeline) watchLag(ctx context.Context) error {
	for {
		if n, err := p.Bus.Pending(ctx, bus.StreamArticles, bus.ConsumerClassifier); err == nil {
			p.Metrics.Lag.WithLabelValues(bus.ConsumerClassifier).Set(float64(n))
		}
		if n, err := p.Bus.Pending(ctx, bus.StreamClassified, bus.ConsumerWriter); err == nil {
			p.Metrics.Lag.WithLabelValues(bus.ConsumerWriter).Set(float64(n))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
	}
}

// Close stops the bus and closes the store, logging how long each took.
func (p *Pipeline) Close() {
	if p.Bus != nil {
		t := time.Now()
		p.Bus.Close()
		p.log.Info("bus closed", slog.Duration("took", time.Since(t)))
	}
	if p.Store != nil {
		t := time.Now()
		p.Store.Close()
		p.log.Info("store closed", slog.Duration("took", time.Since(t)))
	}
}
