// Package pipeline wires Pantau's stages together — bus, store, crawler,
// classifier, writer — and owns their start-up and shutdown order. It holds
// no stage logic of its own.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/alert"
	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/classifier"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/stage"
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
	Alerts  *alert.Alerter // nil when alerts have nowhere to go or the alerter stage is off

	extra []part // registered long-running parts (Register)
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
	} else if cfg.ClickHouseDSN == "" {
		if err := store.SyncInserts(ctx, st, cfg.Sync == "always"); err != nil {
			st.Close()
			return nil, err
		}
	}
	log.Info("store opened", slog.String("backend", st.Name()), slog.String("sync", cfg.Sync), slog.Duration("took", time.Since(start)))

	start = time.Now()
	b, err := bus.Open(ctx, bus.Options{URL: cfg.NATSURL, StoreDir: filepath.Join(cfg.DataDir, "nats"), AckWait: cfg.AckWait, Replicas: cfg.NATSReplicas,
		SyncAlways: cfg.Sync == "always", SyncInterval: cfg.SyncInterval}, log)
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
		PollMin:   cfg.PollMin,
		PollMax:   cfg.PollMax,
	}
	if err := p.Crawler.Init(ctx); err != nil {
		p.Close()
		return nil, err
	}
	if p.Issues, err = issuemap.NewClusterer(ctx, b.JS, b.Options().Replicas, log); err != nil {
		p.Close()
		return nil, err
	}
	if cfg.HasStage("alerter") && cfg.Alert.Enabled(cfg.SMTPHost) {
		if p.Alerts, err = newAlerter(ctx, cfg, st, b, log); err != nil {
			p.Close()
			return nil, err
		}
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
	// DrainErr says why a --once run stopped before everything crawled
	// was stored; CountErr why Total could not be read.
	DrainErr, CountErr error
}

// String is the one-line summary printed for analysts, numbers written
// the Indonesian way (1.355; 17,7 dtk).
func (s Summary) String() string {
	n := indonesian.Int
	total := n(s.Total)
	if s.CountErr != nil {
		total = "tidak diketahui"
	}
	return fmt.Sprintf("selesai: %s sumber (%s gagal), %s item feed, %s artikel baru, %s sudah ada, %s gagal; "+
		"%s diklasifikasi, %s tersimpan, %s ke dead-letter; total %s artikel di basis data (%s dtk)",
		n(s.Sources), n(s.SourcesFailed), n(s.Items), n(s.New), n(s.Duplicates), n(s.Failed),
		n(s.Classified), n(s.Stored), n(s.Dead), total, indonesian.Decimal(s.Took.Seconds(), 1))
}

// Register adds a long-running part that the CLI builds — the API server,
// the report scheduler — to the pipeline's start-up and shutdown: Run
// starts it after the stages and stops it before it returns, so the store
// never closes while it still answers. Parts registered later stop first.
// run must return when its context ends.
func (p *Pipeline) Register(name string, run func(ctx context.Context) error) {
	p.extra = append(p.extra, part{name, run})
}

type part struct {
	name string
	run  func(ctx context.Context) error
}

// Run runs the pipeline until ctx ends, or, with once, crawls every source
// once and returns when everything crawled is classified and stored.
//
// Start-up, in order: the metrics server, the writer, the classifier, the
// alerter, the lag watcher, the registered parts; then the crawler in the
// foreground. With once the classifier starts after the crawl instead, and
// classifies all of it in publication order.
// Shutdown, when ctx ends (or the single crawl is done): the crawler
// stops, the consumers of the stages running here drain for up to
// drain-timeout, then the classifier, the writer, the alerter, the lag watcher, the
// registered parts (last registered first) and the metrics server stop,
// each logged with how long it took. The bus and the store are closed by
// Close, after Run.
func (p *Pipeline) Run(ctx context.Context, once bool) (Summary, error) {
	start := time.Now()
	var sum Summary
	if once && !(p.cfg.HasStage("crawler") && p.cfg.HasStage("classifier") && p.cfg.HasStage("writer")) {
		return sum, fmt.Errorf("--once needs the crawler, classifier and writer stages")
	}
	sv := &services{log: p.log}
	defer sv.stop() // nothing is left running, whatever happens below
	sv.start("metrics", func(ctx context.Context) error { return p.Metrics.ListenAndServe(ctx, p.cfg.MetricsAddr, p.log) })
	if p.cfg.HasStage("writer") {
		wr := &stage.Writer{Bus: p.Bus, Store: p.Store, Metrics: p.Metrics, Log: p.log.With(slog.String("stage", "writer")),
			BatchSize: p.cfg.WriterBatch, FlushInterval: p.cfg.WriterFlush}
		sv.start("writer", wr.Run)
	}
	// The classifier places articles in issues in the order of each pull's
	// publication times. A --once run crawls everything first and then
	// classifies the whole crawl in pulls as large as the consumer allows,
	// so a fortnight's backlog is placed day by day as it happened.
	classify := func(batch int, wait time.Duration) {
		cls := &stage.Classifier{Bus: p.Bus, Model: p.Model, Tagger: p.Tagger, Issues: p.Issues, Metrics: p.Metrics,
			Log: p.log.With(slog.String("stage", "classifier")), Batch: batch, MaxWait: wait}
		sv.start("classifier", cls.Run)
	}
	if p.cfg.HasStage("classifier") && !once {
		classify(1024, classifierWait(p.Bus))
	}
	if p.Alerts != nil {
		sv.start("alerter", p.Alerts.Run)
	}
	sv.start("lag", p.watchLag)
	for _, x := range p.extra {
		sv.start(x.name, x.run)
	}

	var crawlErr error
	t := time.Now()
	if once {
		sum.Stats = *p.Crawler.CrawlOnce(ctx)
		p.log.Info("crawled every source once", slog.Duration("took", time.Since(t)))
		if ctx.Err() == nil {
			classify(p.Bus.Options().ClassifierPending, classifierWait(p.Bus))
		}
		t = time.Now()
		if err := p.waitDrained(ctx, p.cfg.DrainTimeout); err != nil {
			sum.DrainErr = err
			p.log.Error("pipeline not drained", slog.Any("error", err))
		} else {
			p.log.Info("pipeline drained", slog.Duration("took", time.Since(t)))
		}
	} else {
		if p.cfg.HasStage("crawler") {
			if err := p.Crawler.Run(ctx, p.cfg.PollInterval); err != nil && !errors.Is(err, context.Canceled) {
				crawlErr = fmt.Errorf("crawler: %w", err)
				p.log.Error("crawler stopped", slog.Any("error", err))
			}
		} else {
			<-ctx.Done()
		}
		p.log.Info("crawler stopped; draining", slog.Duration("drain_timeout", p.cfg.DrainTimeout))
		t = time.Now()
		if err := p.waitDrained(context.Background(), p.cfg.DrainTimeout); err != nil {
			// Nothing is lost: what is left is redelivered at the next start.
			p.log.Warn("consumers not drained; the rest waits on the bus", slog.Any("error", err))
		} else {
			p.log.Info("consumers drained", slog.Duration("took", time.Since(t)))
		}
	}
	order := []string{"classifier", "writer", "alerter", "lag"}
	for i := len(p.extra) - 1; i >= 0; i-- {
		order = append(order, p.extra[i].name)
	}
	sv.stop(append(order, "metrics")...)

	sum.Classified = int64(metrics.Sum(p.Metrics.Classified))
	sum.Stored = int64(metrics.Value(p.Metrics.Stored))
	sum.Dead = int64(metrics.Sum(p.Metrics.DeadLettered))
	if once {
		if sum.Total, sum.CountErr = store.CountMentions(context.WithoutCancel(ctx), p.Store); sum.CountErr != nil {
			p.log.Error("counting stored articles", slog.Any("error", sum.CountErr))
		}
	}
	sum.Took = time.Since(start)
	return sum, errors.Join(crawlErr, sv.err())
}

// classifierWait is how long the classifier waits to fill a pull: a
// second, but at most a third of the ack wait, as the first message's
// ack timer runs while the pull fills.
func classifierWait(b *bus.Bus) time.Duration { return min(time.Second, b.Options().AckWait/3) }

// waitDrained waits until the consumers of the stages running in this
// process have nothing pending. The classifier publishes before it
// acknowledges, so once its consumer is empty every crawled article is on
// the classified stream.
func (p *Pipeline) waitDrained(ctx context.Context, limit time.Duration) error {
	type consumer struct{ stage, stream, name string }
	var cs []consumer
	for _, c := range []consumer{{"classifier", bus.StreamArticles, bus.ConsumerClassifier}, {"writer", bus.StreamClassified, bus.ConsumerWriter}} {
		if p.cfg.HasStage(c.stage) {
			cs = append(cs, c)
		}
	}
	deadline := time.Now().Add(limit)
	for {
		left := map[string]uint64{}
		var errs []error
		for _, c := range cs {
			n, err := p.Bus.Pending(ctx, c.stream, c.name)
			if err != nil {
				errs = append(errs, err)
			} else if n > 0 {
				left[c.stage] = n
			}
		}
		if len(errs) == 0 && len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			if len(errs) > 0 {
				return fmt.Errorf("after %s: %w", limit, errors.Join(errs...))
			}
			return fmt.Errorf("still pending after %s: %d to classify, %d to store", limit, left["classifier"], left["writer"])
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// watchLag publishes each consumer's lag and the dead-letter stream's
// size every 5 seconds, and logs when dead letters wait or their number
// grows (see `pantau dlq`).
func (p *Pipeline) watchLag(ctx context.Context) error {
	var dead uint64
	first := true
	for {
		if n, err := p.Bus.Pending(ctx, bus.StreamArticles, bus.ConsumerClassifier); err == nil {
			p.Metrics.Lag.WithLabelValues(bus.ConsumerClassifier).Set(float64(n))
		}
		if n, err := p.Bus.Pending(ctx, bus.StreamClassified, bus.ConsumerWriter); err == nil {
			p.Metrics.Lag.WithLabelValues(bus.ConsumerWriter).Set(float64(n))
		}
		if n, err := p.Bus.DeadLetterCount(ctx); err == nil {
			p.Metrics.DeadLetters.Set(float64(n))
			switch {
			case first && n > 0:
				p.log.Warn("dead letters waiting; see pantau dlq list", slog.Uint64("dead_letters", n))
			case !first && n > dead:
				p.log.Warn("dead-letter stream grew; see pantau dlq list", slog.Uint64("dead_letters", n), slog.Uint64("new", n-dead))
			}
			dead, first = n, false
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(5 * time.Second):
		}
	}
}

// Close stops the bus and closes the store, logging how long each took.
// Call it after Run: Run has stopped every part that uses them.
func (p *Pipeline) Close() {
	if p.Issues != nil {
		// Issue state not yet written goes to the bucket while it is open.
		t := time.Now()
		if err := p.Issues.Close(context.Background()); err != nil {
			p.log.Error("saving issue state", slog.Any("error", err))
		}
		p.log.Info("issue state saved", slog.Duration("took", time.Since(t)))
	}
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

// newAlerter builds the early warning from the config: recipients from
// the alert-recipients file plus alert-to and alert-telegram-chat for
// every issue, e-mail through the report's SMTP server.
func newAlerter(ctx context.Context, cfg *config.Config, st store.Backend, b *bus.Bus, log *slog.Logger) (*alert.Alerter, error) {
	var rcpt alert.Recipients
	if cfg.Alert.RecipientsFile != "" {
		r, err := alert.LoadRecipients(cfg.Alert.RecipientsFile)
		if err != nil {
			return nil, err
		}
		rcpt = r
	}
	all := alert.Recipient{OPD: "*"}
	for _, e := range strings.Split(cfg.Alert.To, ",") {
		if e = strings.TrimSpace(e); e != "" {
			all.Email = append(all.Email, e)
		}
	}
	for _, c := range strings.Split(cfg.Alert.TelegramChat, ",") {
		if c = strings.TrimSpace(c); c != "" {
			all.Telegram = append(all.Telegram, c)
		}
	}
	if len(all.Email)+len(all.Telegram) > 0 {
		rcpt = append(rcpt, all)
	}
	quiet, err := alert.ParseQuiet(cfg.Alert.Quiet)
	if err != nil {
		return nil, err
	}
	rules, err := issuemap.DefaultRules()
	if cfg.RulesFile != "" {
		rules, err = issuemap.LoadRules(cfg.RulesFile)
	}
	if err != nil {
		return nil, err
	}
	kv, err := alert.OpenBucket(ctx, b.JS, b.Options().Replicas)
	if err != nil {
		return nil, err
	}
	a := &alert.Alerter{Store: st, KV: kv, Rules: rules, Recipients: rcpt, Quiet: quiet, Interval: cfg.Alert.Interval,
		Log: log.With(slog.String("stage", "alerter"))}
	if cfg.SMTPHost != "" {
		a.Mailer = &report.Mailer{Host: cfg.SMTPHost, Port: cfg.SMTPPort, User: cfg.SMTPUser, Password: cfg.SMTPPassword,
			TLS: cfg.SMTPTLS, From: cfg.ReportFrom}
	}
	if cfg.Alert.TelegramToken != "" {
		a.Telegram = &alert.Telegram{Token: cfg.Alert.TelegramToken, API: cfg.Alert.TelegramAPI}
	}
	return a, nil
}
