package cli

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/bus"
	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

var reportCommand = &command{
	name:    "report",
	args:    "[--date YYYY-MM-DD] [--out F.html|F.pdf] [--send] [--force]",
	summary: "laporan sentimen harian untuk Kadis (teks, HTML, PDF, atau kirim e-mail)",
	about: `Tanpa --out laporan dicetak sebagai teks. --send mengirimnya lewat smtp-host ke report-to,
sekali sehari walau beberapa instans berjalan (--force mengirim lagi). Hari tanpa data, atau basis
data yang tidak dapat dibuka, memberi galat — tidak pernah laporan kosong.`,
	scope: config.ScopeStore | config.ScopeRules | config.ScopeMail | config.ScopeBus | config.ScopeLog,
	examples: []string{
		"pantau report",
		"pantau report --date 2024-06-11 --out laporan.pdf",
		"pantau report --send --smtp-host mail.kaltimprov.go.id --report-to kadis@kaltimprov.go.id",
	},
	new: func() runner { return &reportCmd{} },
}

type reportCmd struct {
	date, out   string
	send, force bool
}

func (c *reportCmd) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.date, "date", "", "`YYYY-MM-DD` tanggal laporan (WITA); bawaan kemarin")
	fs.StringVar(&c.out, "out", "", "`BERKAS` .html atau .pdf yang ditulis, bukan mencetak teks")
	fs.BoolVar(&c.send, "send", false, "kirim lewat e-mail ke report-to")
	fs.BoolVar(&c.force, "force", false, "dengan --send: kirim walau laporan hari itu sudah terkirim")
}

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

// run renders a day's report to a file or stdout, or sends it.
func (c *reportCmd) run(env *Env, _ []string) error {
	day := time.Now().In(news.WITA).AddDate(0, 0, -1)
	if c.date != "" {
		t, err := time.ParseInLocation("2006-01-02", c.date, news.WITA)
		if err != nil {
			return usageError{fmt.Sprintf("--date %q: pakai YYYY-MM-DD", c.date)}
		}
		day = t
	}
	ext := strings.ToLower(filepath.Ext(c.out))
	if c.out != "" && ext != ".html" && ext != ".htm" && ext != ".pdf" {
		return usageError{fmt.Sprintf("--out %q: pakai nama berakhiran .html atau .pdf", c.out)}
	}
	rs, err := rules(env.Config)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	b, err := openShared(ctx, env, env.Log, true) // cli/door.go
	if err != nil {
		return fmt.Errorf("basis data tidak dapat dibuka; laporan tidak dibuat: %w", err)
	}
	defer b.Close()
	if c.send {
		if dc, ok := throughDoor(ctx, env, b); ok {
			id, err := dc.SendReport(ctx, day, c.force)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "laporan %s terkirim oleh pantau run (Message-ID %s)\n", indonesian.Date(day), id)
			return nil
		}
		return sendReport(ctx, env, b, day, c.force)
	}
	d, charts, err := report.Build(ctx, b, rs, day, time.Now())
	if err != nil {
		return err
	}
	switch ext {
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
		return writeOut(env, c.out, []byte(html))
	case ".pdf":
		pdf, err := report.PDF(d, charts)
		if err != nil {
			return err
		}
		return writeOut(env, c.out, pdf)
	}
	return nil
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
	fmt.Fprintf(env.Stdout, "laporan %s terkirim ke %s (Message-ID %s)\n", indonesian.Date(day), cfg.ReportTo, id)
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
