package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	mail "github.com/wneessen/go-mail"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/metrics"
	"github.com/diskominfo-kaltim/pantau/store"
)

// ClaimBucket holds one key per report day while an instance sends it, so
// two instances never send the same day's report.
const ClaimBucket = "PANTAU_REPORTS"

// ErrAlreadySent is returned when the day's report went out before.
var ErrAlreadySent = errors.New("laporan tanggal ini sudah terkirim (pakai --force untuk mengirim ulang)")

// ErrClaimed is returned when another instance is sending the day's report.
var ErrClaimed = errors.New("laporan tanggal ini sedang dikirim oleh instans lain")

// Mailer is the SMTP server and sender.
type Mailer struct {
	Host     string
	Port     int
	User     string
	Password string
	TLS      string // starttls (default), tls, none
	From     string
	Timeout  time.Duration
}

func (m Mailer) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(m.Port), mail.WithTimeout(max(m.Timeout, 10*time.Second))}
	switch m.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if m.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(m.User), mail.WithPassword(m.Password))
	}
	return mail.NewClient(m.Host, opts...)
}

// Sender renders and delivers daily reports.
type Sender struct {
	Store    store.Backend
	Claims   jetstream.KeyValue // shared by every instance; nil when only one runs
	Mailer   Mailer
	Rules    issuemap.Rules
	Log      *slog.Logger
	Metrics  *metrics.Metrics
	Instance string
	Retries  int           // attempts on temporary failures (default 3)
	Backoff  time.Duration // first wait between attempts (default 5s)
	Now      func() time.Time
}

// OpenClaims opens the claim bucket on JetStream.
func OpenClaims(ctx context.Context, js jetstream.JetStream, replicas int) (jetstream.KeyValue, error) {
	return js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: ClaimBucket,
		Description: "daily report claims", TTL: time.Hour, Storage: jetstream.FileStorage, Replicas: max(replicas, 1)})
}

// Build gathers and renders the report of day.
func Build(ctx context.Context, b store.Backend, rules issuemap.Rules, day, now time.Time) (*Data, *Charts, error) {
	d, err := Gather(ctx, b, rules, day, now)
	if err != nil {
		return nil, nil, err
	}
	c, err := DrawCharts(d)
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}

// Send delivers the report of day to recipients once; force sends again.
// It returns the message id.
func (s *Sender) Send(ctx context.Context, day time.Time, to []string, force bool) (string, error) {
	if s.Now == nil {
		s.Now = time.Now
	}
	if len(to) == 0 {
		return "", errors.New("tidak ada penerima laporan (report-to)")
	}
	y, m, dd := day.In(WITA).Date()
	date := fmt.Sprintf("%04d-%02d-%02d", y, m, dd)
	if !force {
		sent, err := s.sent(ctx, date)
		if err != nil {
			return "", err
		}
		if sent {
			return "", ErrAlreadySent
		}
	}
	key := "report." + date
	if s.Claims != nil {
		if _, err := s.Claims.Create(ctx, key, []byte(s.Instance)); err != nil {
			if errors.Is(err, jetstream.ErrKeyExists) && !force {
				return "", ErrClaimed
			}
			if !errors.Is(err, jetstream.ErrKeyExists) {
				return "", fmt.Errorf("claiming the report: %w", err)
			}
		}
	}
	id, err := s.deliver(ctx, day, to)
	status, errText := "terkirim", ""
	if err != nil {
		status, errText = "gagal", err.Error()
		if s.Claims != nil {
			_ = s.Claims.Delete(ctx, key) // a later attempt may try again
		}
		if s.Metrics != nil {
			s.Metrics.Failed.WithLabelValues("report").Inc()
		}
	}
	rec := store.ReportRecord{Date: date, Recipients: to, MessageID: id, Status: status, Instance: s.Instance,
		At: s.Now(), Error: errText}
	if rerr := store.RecordReport(ctx, s.Store, rec); rerr != nil {
		s.Log.Error("recording the report", slog.String("date", date), slog.Any("error", rerr))
		if err == nil {
			err = fmt.Errorf("report sent as %s but not recorded: %w", id, rerr)
		}
	}
	return id, err
}

func (s *Sender) sent(ctx context.Context, date string) (bool, error) {
	return store.ReportSent(ctx, s.Store, date)
}

// deliver builds the message and sends it, retrying temporary failures.
func (s *Sender) deliver(ctx context.Context, day time.Time, to []string) (string, error) {
	d, charts, err := Build(ctx, s.Store, s.Rules, day, s.Now())
	if err != nil {
		return "", err
	}
	msg, err := Message(d, charts, s.Mailer.From, to)
	if err != nil {
		return "", err
	}
	ids := msg.GetGenHeader(mail.HeaderMessageID)
	id := ""
	if len(ids) > 0 {
		id = strings.Trim(ids[0], "<>")
	}
	retries := s.Retries
	if retries <= 0 {
		retries = 3
	}
	wait := s.Backoff
	if wait <= 0 {
		wait = 5 * time.Second
	}
	for attempt := 1; ; attempt++ {
		c, err := s.Mailer.client()
		if err == nil {
			err = c.DialAndSendWithContext(ctx, msg)
		}
		if err == nil {
			s.Log.Info("laporan harian terkirim", slog.String("date", d.Date.Format("2006-01-02")),
				slog.String("message_id", id), slog.Int("recipients", len(to)), slog.Int("attempt", attempt))
			return id, nil
		}
		if attempt >= retries || !temporary(err) {
			return id, fmt.Errorf("sending the report (attempt %d): %w", attempt, err)
		}
		s.Log.Warn("sending the report failed; retrying", slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.Any("error", err))
		select {
		case <-ctx.Done():
			return id, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// Send delivers one message through the server; the alerts share it.
func (m Mailer) Send(ctx context.Context, msg *mail.Msg) error {
	c, err := m.client()
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}

// Temporary reports whether a send error may pass (4xx replies, network
// failures): the message is worth sending again later.
func Temporary(err error) bool { return temporary(err) }

// temporary reports whether a send error may pass: 4xx replies and
// network failures.
func temporary(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.IsTemp()
	}
	var ne net.Error
	return errors.As(err, &ne) || strings.Contains(err.Error(), "connection refused") || strings.Contains(err.Error(), "EOF")
}

// Message builds the multipart e-mail: plain text with an HTML
// alternative whose charts are inline images, and the PDF attached.
func Message(d *Data, c *Charts, from string, to []string) (*mail.Msg, error) {
	m := mail.NewMsg()
	if err := m.From(from); err != nil {
		return nil, fmt.Errorf("report-from %q: %w", from, err)
	}
	if err := m.To(to...); err != nil {
		return nil, fmt.Errorf("report-to: %w", err)
	}
	m.Subject(Subject(d))
	m.SetMessageID()
	m.SetDate()
	html, err := HTML(d, func(name string) string { return "cid:" + name + ".png" })
	if err != nil {
		return nil, err
	}
	m.SetBodyString(mail.TypeTextPlain, Text(d))
	m.AddAlternativeString(mail.TypeTextHTML, html)
	if err := m.EmbedReader("classes.png", bytes.NewReader(c.Classes), mail.WithFileContentID("classes.png")); err != nil {
		return nil, err
	}
	if err := m.EmbedReader("regions.png", bytes.NewReader(c.Regions), mail.WithFileContentID("regions.png")); err != nil {
		return nil, err
	}
	pdf, err := PDF(d, c)
	if err != nil {
		return nil, fmt.Errorf("rendering the PDF: %w", err)
	}
	if err := m.AttachReader("laporan-sentimen-"+d.Date.Format("2006-01-02")+".pdf", bytes.NewReader(pdf)); err != nil {
		return nil, err
	}
	return m, nil
}
