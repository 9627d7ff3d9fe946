package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

var (
	flagDate  string
	flagFile  string
	flagSend  bool
	flagForce bool

	flagCluster string
	flagPrint   bool
)

func recipients(cfg *config.Config) []string {
	var out []string
	for _, r := range strings.Split(cfg.ReportTo, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

func mailer(cfg *config.Config) report.Mailer {
	return report.Mailer{Host: cfg.SMTPHost, Port: cfg.SMTPPort, User: cfg.SMTPUser, Password: cfg.SMTPPassword,
		TLS: cfg.SMTPTLS, From: cfg.ReportFrom}
}

// cmdReport renders a day's report to a file or stdout, or sends it.
func cmdReport(env *Env, _ []string) error {
	day := time.Now().In(news.WITA).AddDate(0, 0, -1)
	if flagDate != "" {
		t, err := time.ParseInLocation("2006-01-02", flagDate, news.WITA)
		if err != nil {
			return usageError{fmt.Sprintf("--date %q: pakai YYYY-MM-DD", flagDate)}
		}
		day = t
	}
	rs, err := rules(env.Config)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	b, err := pipeline.OpenStore(ctx, env.Config)
	if err != nil {
		return fmt.Errorf("basis data tidak dapat dibuka; laporan tidak dibuat: %w", err)
	}
	defer b.Close()
	if _, err := store.Migrate(ctx, b, env.Log); err != nil {
		return fmt.Errorf("basis data tidak siap; laporan tidak dibuat: %w", err)
	}
	if flagSend {
		return sendReport(ctx, env, b, day, flagForce)
	}
	d, charts, err := report.Build(ctx, b, rs, day, time.Now())
	if err != nil {
		return err
	}
	switch strings.ToLower(filepath.Ext(flagFile)) {
	case "":
		fmt.Fprint(env.Stdout, report.Text(d))
		return nil
	case ".html", ".htm":
		html, err := report.HTML(d, func(name string) string {
			img := charts.Classes
			if name == "regions" {
				img = charts.Regions
			}
			return "data:image/png;base64," + base64.StdEncoding.EncodeToString(img)
		})
		if err != nil {
			return err
		}
		return writeOut(env, flagFile, []byte(html))
	case ".pdf":
		pdf, err := report.PDF(d, charts)
		if err != nil {
			return err
		}
		return writeOut(env, flagFile, pdf)
	}
	return usageError{fmt.Sprintf("--out %q: pakai .html atau .pdf", flagFile)}
}

func writeOut(env *Env, path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "laporan ditulis ke %s\n", path)
	return nil
}

// sendReport sends one day's report with a claim on the bus, so that
// instances sharing NATS send it once.
func sendReport(ctx context.Context, env *Env, b store.Backend, day time.Time, force bool) error {
	cfg := env.Config
	if cfg.SMTPHost == "" || len(recipients(cfg)) == 0 {
		return usageError{"smtp-host dan report-to wajib diisi untuk mengirim laporan"}
	}
	rs, err := rules(cfg)
	if err != nil {
		return err
	}
	bs, err := bus.Open(ctx, bus.Options{URL: cfg.NATSURL, StoreDir: filepath.Join(cfg.DataDir, "nats"), Replicas: cfg.NATSReplicas}, env.Log)
	if err != nil {
		return err
	}
	defer bs.Close()
	claims, err := report.OpenClaims(ctx, bs.JS, bs.Options().Replicas)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	s := &report.Sender{Store: b, Claims: claims, Mailer: mailer(cfg), Rules: rs, Log: env.Log, Metrics: metrics.New(),
		Instance: fmt.Sprintf("%s/%d", host, os.Getpid())}
	id, err := s.Send(ctx, day, recipients(cfg), force)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "laporan %s terkirim ke %s (Message-ID %s)\n", day.Format("2006-01-02"), cfg.ReportTo, id)
	return nil
}

// scheduleReports sends yesterday's report every day at report-time
// (WITA) while ctx lasts; a failed send is retried every 15 minutes that day.
func scheduleReports(ctx context.Context, cfg *config.Config, s *report.Sender, log *slog.Logger) {
	at, _ := time.Parse("15:04", cfg.ReportTime)
	for {
		now := time.Now().In(news.WITA)
		next := time.Date(now.Year(), now.Month(), now.Day(), at.Hour(), at.Minute(), 0, 0, news.WITA)
		if !next.After(now) {
			next = next.AddDate(0, 0, 1)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Until(next)):
		}
		day := next.AddDate(0, 0, -1)
		for attempt := 0; attempt < 60; attempt++ {
			_, err := s.Send(ctx, day, recipients(cfg), false)
			if err == nil || errors.Is(err, report.ErrAlreadySent) || errors.Is(err, report.ErrClaimed) || errors.Is(err, report.ErrNoData) {
				if errors.Is(err, report.ErrNoData) {
					log.Error("laporan harian tidak dikirim: tidak ada data", slog.String("date", day.Format("2006-01-02")))
				}
				break
			}
			log.Error("laporan harian gagal dikirim; dicoba lagi 15 menit lagi", slog.Any("error", err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(15 * time.Minute):
			}
		}
	}
}
