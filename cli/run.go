package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/systemd"
)

// The exit codes of `pantau run --once` when it did not finish its work.
const (
	exitAllSourcesFailed = 3
	exitNotDrained       = 4
	exitNoCount          = 5
)

var runCommand = &command{
	name:    "run",
	args:    "[--once]",
	summary: "menjalankan seluruh pipeline (rayap → klasifikasi → simpan)",
	about: `Merayapi setiap sumber setiap poll-interval, mengklasifikasi dan menyimpan beritanya sampai dihentikan
(Ctrl-C atau SIGTERM). Dengan --once: setiap sumber dirayapi sekali, menunggu sampai semua tersimpan,
mencetak ringkasan, lalu keluar. Aplikasi web untuk analis dan HTTP API berjalan di api-addr
(bawaan http://127.0.0.1:8080/; kosongkan api-addr untuk mematikannya); selama berjalan, perintah
analis (sql, issues, issue, trend, search, report, label, sources, user) memakai penyimpanan lewat
proses ini, dan Grafana dapat membacanya di http://api-addr/clickhouse (hanya-baca). Dengan
smtp-host dan report-to, laporan kemarin dikirim setiap hari pada report-time.`,
	scope: config.ScopeAll,
	examples: []string{
		"pantau run",
		"pantau run --once --config pantau.yaml",
		"pantau run --stages crawler --nats-url nats://10.0.0.5:4222",
	},
	exits: []exitCode{
		{exitAllSourcesFailed, "--once: semua sumber gagal dirayapi (tanpa internet? coba pantau demo)"},
		{exitNotDrained, "--once: pipeline belum tuntas dalam drain-timeout (sebagian artikel belum tersimpan)"},
		{exitNoCount, "--once: jumlah akhir artikel tidak dapat dibaca dari basis data"},
	},
	new: func() runner { return &runCmd{} },
}

type runCmd struct {
	once bool
}

func (c *runCmd) flags(fs *flag.FlagSet) {
	fs.BoolVar(&c.once, "once", false, "rayapi setiap sumber sekali, tunggu sampai semua tersimpan, cetak ringkasan, lalu keluar")
}

func (c *runCmd) run(env *Env, _ []string) error {
	ctx, cancel := signalContext()
	defer cancel()
	p, err := pipeline.Open(ctx, env.Config, env.Log)
	if err != nil {
		return err
	}
	defer p.Close()
	p.Metrics.WatchDisk(env.Config.DataDir)
	applyRetention(ctx, env.Config, p.Store, "", env.Log)
	// systemd's readiness and watchdog ask what this process serves.
	serves := env.Config.APIAddr != "" && (!c.once || env.Config.APIToken != "")
	go systemd.Watch(ctx, healthCheck(env.Config, serves), env.Log)
	web := httpParts{store: p.Store, crawler: p.Crawler, door: env.Config.ClickHouseDSN == ""} // cli/web.go
	if !c.once && env.Config.HasStage("reporter") && env.Config.SMTPHost != "" && env.Config.ReportTo != "" {
		claims, err := report.OpenClaims(ctx, p.Bus.JS, p.Bus.Options().Replicas)
		if err != nil {
			return err
		}
		rs, err := rules(env.Config)
		if err != nil {
			return err
		}
		host, _ := os.Hostname()
		s := &report.Sender{Store: p.Store, Claims: claims, Mailer: mailer(env.Config), Rules: rs, Log: env.Log,
			Metrics: p.Metrics, Instance: fmt.Sprintf("%s/%d", host, os.Getpid())}
		p.Metrics.WatchReports(func(ctx context.Context) (time.Time, error) { return store.LastReportSent(ctx, p.Store) })
		p.Register("reporter", func(ctx context.Context) error { scheduleReports(ctx, env.Config, s, env.Log); return nil })
		env.Log.Info("laporan harian dijadwalkan", "time", env.Config.ReportTime+" WITA", "to", env.Config.ReportTo)
		web.sendReport = func(ctx context.Context, day time.Time, force bool) (string, error) {
			return s.Send(ctx, day, recipients(env.Config), force)
		}
	}
	// The web app, the API and the door to the store: always, unless
	// api-addr is empty; with --once only when api-token asks for the API.
	if env.Config.APIAddr != "" && (!c.once || env.Config.APIToken != "") {
		p.Register("web", func(ctx context.Context) error { defer serveInBackground(ctx, env, web)(); <-ctx.Done(); return nil })
	}
	if !c.once && env.Config.HasStage("crawler") {
		p.Register("offline-warning", func(ctx context.Context) error { warnWhenOffline(ctx, p.Crawler, env.Config, env.Log); return nil })
	}
	sum, err := p.Run(ctx, c.once)
	if err != nil {
		return err
	}
	if !c.once {
		return nil
	}
	fmt.Fprintln(env.Stdout, sum.String())
	return onceOutcome(sum, env.Config.DrainTimeout)
}

// onceOutcome turns a --once run that did not finish its work into its
// exit code.
func onceOutcome(sum pipeline.Summary, drain time.Duration) error {
	switch {
	case sum.Sources > 0 && sum.SourcesFailed == sum.Sources:
		return exitError{exitAllSourcesFailed, fmt.Sprintf("semua %d sumber gagal dirayapi (alasannya di log). "+
			"Tanpa internet? `make demo` (atau `pantau demo`) berjalan tanpa internet dengan media contoh di komputer ini", sum.Sources)}
	case sum.DrainErr != nil:
		return exitError{exitNotDrained, fmt.Sprintf("pipeline belum tuntas dalam drain-timeout %s: sebagian artikel belum tersimpan "+
			"(tidak hilang: tersimpan pada run berikutnya). Periksa log, lalu jalankan lagi atau naikkan --drain-timeout", drain)}
	case sum.CountErr != nil:
		return exitError{exitNoCount, fmt.Sprintf("jumlah akhir artikel tidak dapat dibaca: %v", sum.CountErr)}
	}
	return nil
}

// warnWhenOffline says once, in Bahasa Indonesia, when every source failed
// its first pass since start-up — most often a machine without internet —
// and that the demo works offline.
func warnWhenOffline(ctx context.Context, c *crawler.Crawler, cfg *config.Config, log *slog.Logger) {
	start := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(5 * time.Second):
		}
		hs, err := c.SourceHealth(ctx, cfg.Sources)
		if err != nil || len(hs) == 0 {
			continue
		}
		tried := 0
		for _, h := range hs {
			if h.LastSuccess.After(start) {
				return
			}
			if h.LastAttempt.After(start) {
				tried++
			}
		}
		if tried == len(hs) {
			log.Warn(fmt.Sprintf("tidak satu pun dari %d sumber dapat dijangkau (tanpa internet?); `make demo` (atau `pantau demo`) berjalan tanpa internet dengan media contoh di komputer ini", len(hs)))
			return
		}
	}
}
