// Package metrics holds Pantau's Prometheus collectors, one set per
// process, passed to each stage. It must not start servers by itself
// except through ListenAndServe.
package metrics

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"github.com/diskominfo-kaltim/pantau/httpserver"
)

// Metrics are the per-stage counters of the pipeline.
type Metrics struct {
	Registry *prometheus.Registry

	Fetched        *prometheus.CounterVec // per source: documents fetched (feeds and pages)
	Published      *prometheus.CounterVec // per source: new articles published to the bus
	Duplicates     *prometheus.CounterVec // per source: articles the bus already had
	NearDuplicates *prometheus.CounterVec // per source: copies of a story seen earlier
	SourceErrors   *prometheus.CounterVec // per source: failed fetches
	LastSuccess    *prometheus.GaugeVec   // per source: unix time of the last good crawl
	PollInterval   *prometheus.GaugeVec   // per source: seconds to its next poll (adaptive polling)
	Failing        *prometheus.GaugeVec   // per source: failed passes in a row
	PausedUntil    *prometheus.GaugeVec   // per source and reason: unix time a platform's pause ends
	Classified     *prometheus.CounterVec // per label
	Stored         prometheus.Counter
	Failed         *prometheus.CounterVec // per stage
	DeadLettered   *prometheus.CounterVec // per stage
	Panics         *prometheus.CounterVec // per stage: handler panics recovered (the message was dead-lettered)
	DeadLetters    prometheus.Gauge       // messages waiting on the dead-letter stream
	Lag            *prometheus.GaugeVec   // per consumer: messages not yet finished
	InsertSeconds  prometheus.Histogram
}

// New registers a fresh set of collectors.
func New() *Metrics {
	r := prometheus.NewRegistry()
	r.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := func(c prometheus.Collector) { r.MustRegister(c) }
	m := &Metrics{
		Registry: r,
		Fetched: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_crawler_fetched_total",
			Help: "Documents fetched by the crawler (feeds and article pages)."}, []string{"source"}),
		Published: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_crawler_published_total",
			Help: "New articles published to the bus."}, []string{"source"}),
		Duplicates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_crawler_duplicates_total",
			Help: "Articles dropped as duplicates by the bus."}, []string{"source"}),
		NearDuplicates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_crawler_near_duplicates_total",
			Help: "New articles that copy a story already seen (linked by story_id)."}, []string{"source"}),
		SourceErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_crawler_errors_total",
			Help: "Failed fetches per source."}, []string{"source"}),
		LastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pantau_crawler_last_success_timestamp_seconds",
			Help: "Unix time of the last successful crawl of a source."}, []string{"source"}),
		PollInterval: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pantau_crawler_poll_interval_seconds",
			Help: "Current polling interval of a source (adaptive: shorter for a source that publishes often)."}, []string{"source"}),
		Failing: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pantau_crawler_consecutive_failures",
			Help: "Failed passes of a source in a row (0 after a good one; a platform's pause is not a failure)."}, []string{"source"}),
		PausedUntil: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pantau_crawler_paused_until_timestamp_seconds",
			Help: "Unix time a pause a platform asked for (rate limit, spent quota) ends, while the source is paused."}, []string{"source", "reason"}),
		Classified: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_classified_total",
			Help: "Articles classified, by label."}, []string{"label"}),
		Stored: prometheus.NewCounter(prometheus.CounterOpts{Name: "pantau_stored_total",
			Help: "Rows written to mentions."}),
		Failed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_failed_total",
			Help: "Processing failures, by stage."}, []string{"stage"}),
		DeadLettered: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_dead_lettered_total",
			Help: "Messages moved to the dead-letter subject, by stage."}, []string{"stage"}),
		Panics: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "pantau_stage_panics_total",
			Help: "Panics recovered while handling a message (the message was dead-lettered), by stage."}, []string{"stage"}),
		DeadLetters: prometheus.NewGauge(prometheus.GaugeOpts{Name: "pantau_dead_letters",
			Help: "Messages waiting on the dead-letter stream (pantau dlq list)."}),
		Lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "pantau_consumer_lag",
			Help: "Messages a consumer has not finished (pending plus unacknowledged)."}, []string{"consumer"}),
		InsertSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "pantau_store_insert_seconds",
			Help: "Time to insert one batch.", Buckets: prometheus.DefBuckets}),
	}
	f(m.Fetched)
	f(m.Published)
	f(m.Duplicates)
	f(m.NearDuplicates)
	f(m.SourceErrors)
	f(m.LastSuccess)
	f(m.PollInterval)
	f(m.Failing)
	f(m.PausedUntil)
	f(m.Classified)
	f(m.Stored)
	f(m.Failed)
	f(m.DeadLettered)
	f(m.Panics)
	f(m.DeadLetters)
	f(m.Lag)
	f(m.InsertSeconds)
	return m
}

// SourceState records a source's state after a pass: its polling
// interval, its failed passes in a row and, while a pause the platform
// asked for holds (pausedUntil not zero), when it ends and why. A source
// no longer paused loses its pause series.
func (m *Metrics) SourceState(source string, every time.Duration, failures int, pausedUntil time.Time, reason string) {
	m.PollInterval.WithLabelValues(source).Set(every.Seconds())
	m.Failing.WithLabelValues(source).Set(float64(failures))
	m.PausedUntil.DeletePartialMatch(prometheus.Labels{"source": source})
	if !pausedUntil.IsZero() {
		m.PausedUntil.WithLabelValues(source, reason).Set(float64(pausedUntil.Unix()))
	}
}

// ListenAndServe exposes /metrics on addr until ctx ends (the pipeline
// runs it as one of its services). An empty addr disables it: it waits for
// ctx and returns nil.
func (m *Metrics) ListenAndServe(ctx context.Context, addr string, log *slog.Logger) error {
	if addr == "" {
		<-ctx.Done()
		return nil
	}
	ln, err := httpserver.Listen(addr, httpserver.Default)
	if err != nil {
		return err
	}
	return m.serve(ctx, ln, log)
}

// Serve exposes /metrics on addr in the background until ctx ends, for a
// command that serves beside it (pantau serve); a failure to listen is
// returned at once. An empty addr disables it.
func (m *Metrics) Serve(ctx context.Context, addr string, log *slog.Logger) error {
	if addr == "" {
		return nil
	}
	ln, err := httpserver.Listen(addr, httpserver.Default)
	if err != nil {
		return err
	}
	go func() {
		if err := m.serve(ctx, ln, log); err != nil {
			log.Error("metrics server", slog.Any("error", err))
		}
	}()
	return nil
}

func (m *Metrics) serve(ctx context.Context, ln net.Listener, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}))
	log.Info("metrics listening", slog.String("addr", ln.Addr().String()))
	return httpserver.Serve(ctx, httpserver.New(mux, httpserver.Default), ln, httpserver.Default, log)
}

// Value reads the current value of a counter or gauge.
func Value(c prometheus.Metric) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return 0
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	return 0
}

// Sum adds the values of every label set of a counter vector.
func Sum(v *prometheus.CounterVec) float64 {
	ch := make(chan prometheus.Metric, 64)
	go func() { v.Collect(ch); close(ch) }()
	var s float64
	for m := range ch {
		s += Value(m)
	}
	return s
}

// Series counts the label sets a collector exports now.
func Series(c prometheus.Collector) int {
	ch := make(chan prometheus.Metric, 64)
	go func() { c.Collect(ch); close(ch) }()
	n := 0
	for range ch {
		n++
	}
	return n
}
