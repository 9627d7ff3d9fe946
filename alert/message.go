package alert

import (
	"context"
	"fmt"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Compose writes an alert in Bahasa Indonesia: what changed, the issue's
// figures, where it is, the office, and the drafted recommendation.
func Compose(s store.IssueSummary, kinds []string, rec issuemap.Recommendation) (subject, text string) {
	subject = "[Pantau] Isu " + strings.Join(kinds, " dan ") + ": " + s.Name
	var b strings.Builder
	fmt.Fprintf(&b, "PERINGATAN ISU — %s\n\n", s.Name)
	for _, k := range kinds {
		switch k {
		case KindSpike:
			fmt.Fprintf(&b, "• Melonjak: %d pemberitaan dalam 24 jam terakhir (rata-rata %s/hari dalam 14 hari sebelumnya).\n",
				s.Today, indonesian.Decimal(s.Baseline, 1))
		case KindNegative:
			fmt.Fprintf(&b, "• Berbalik negatif: %s pemberitaan 24 jam terakhir negatif/berpotensi negatif (sebelumnya %s).\n",
				pct(s.NegShareToday), pct(s.NegShareBase))
		}
	}
	fmt.Fprintf(&b, "\nTotal %d pemberitaan: %d positif, %d netral, %d berpotensi negatif, %d negatif.\n",
		s.Mentions, s.ByLabel[0], s.ByLabel[1], s.ByLabel[2], s.ByLabel[3])
	if len(s.Regions) > 0 {
		fmt.Fprintf(&b, "Wilayah: %s\n", strings.Join(s.Regions, ", "))
	}
	if len(s.OPDs) > 0 {
		fmt.Fprintf(&b, "OPD: %s\n", strings.Join(s.OPDs, ", "))
	}
	if s.Lifecycle != "" {
		fmt.Fprintf(&b, "Tahap: %s\n", s.Lifecycle)
	}
	fmt.Fprintf(&b, "Sejak: %s\n", indonesian.DateTime(s.FirstSeen.In(news.WITA)))
	fmt.Fprintf(&b, "\nRekomendasi: %s (urgensi %s, OPD: %s)\n%s\n", rec.Strategy, rec.Urgency, rec.OPD, rec.Reason)
	if len(rec.Channels) > 0 {
		fmt.Fprintf(&b, "Kanal: %s\n", strings.Join(rec.Channels, "; "))
	}
	fmt.Fprintf(&b, "\nRincian dan draf tanggapan: pantau issue %s\n", s.ID)
	return subject, b.String()
}

func pct(x float64) string { return fmt.Sprintf("%.0f%%", 100*x) }

func (a *Alerter) sendEmail(ctx context.Context, p *delivery) error {
	m := mail.NewMsg()
	if err := m.From(a.Mailer.From); err != nil {
		return fmt.Errorf("pengirim %q: %w", a.Mailer.From, err)
	}
	if err := m.To(p.Email...); err != nil {
		return fmt.Errorf("penerima: %w", err)
	}
	m.Subject(p.Subject)
	m.SetMessageID()
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, p.Text)
	return a.Mailer.Send(ctx, m)
}

// QuietHours is a daily span (WITA) in which no alert is sent: those
// that arise are sent when it ends, if their condition still holds.
type QuietHours struct {
	From, Until time.Duration // since midnight; From == Until: none
}

// ParseQuiet reads "22:00-06:00" (an empty string: no quiet hours).
func ParseQuiet(s string) (QuietHours, error) {
	if strings.TrimSpace(s) == "" {
		return QuietHours{}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return QuietHours{}, fmt.Errorf("alert-quiet: %q bukan rentang HH:MM-HH:MM (contoh 22:00-06:00)", s)
	}
	from, err1 := time.Parse("15:04", strings.TrimSpace(a))
	until, err2 := time.Parse("15:04", strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return QuietHours{}, fmt.Errorf("alert-quiet: %q bukan rentang HH:MM-HH:MM (contoh 22:00-06:00)", s)
	}
	clock := func(t time.Time) time.Duration {
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return QuietHours{From: clock(from), Until: clock(until)}, nil
}

// Contains reports whether t falls in the quiet hours.
func (q QuietHours) Contains(t time.Time) bool {
	if q.From == q.Until {
		return false
	}
	w := t.In(news.WITA)
	c := time.Duration(w.Hour())*time.Hour + time.Duration(w.Minute())*time.Minute
	if q.From < q.Until {
		return c >= q.From && c < q.Until
	}
	return c >= q.From || c < q.Until // across midnight
}
