package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/issueview"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

var issueCommand = &command{
	name:    "issue",
	args:    "ID [--since 7d] [--jenis J] [--platform P] [--json]",
	summary: "rincian satu isu: angka, sentimen per hari, rekomendasi dan alasannya, bahan narasi, artikel",
	about: `ID adalah kolom ID dari pantau issues. Tanpa --since, isu ditampilkan sepanjang masanya
(juga isu lama); --since membatasi angka dan sentimen per hari pada periode itu; --jenis dan
--platform membatasi angka, sentimen per hari dan artikel pada pemberitaan dari media itu.
Paling banyak 100 artikel terbaru ditampilkan.`,
	scope: config.ScopeStore | config.ScopeRules,
	examples: []string{
		"pantau issue 3f9c2a1b7d04",
		"pantau issue 3f9c2a1b7d04 --since 7d",
		"pantau issue 3f9c2a1b7d04 --jenis media-sosial",
		"pantau issue 3f9c2a1b7d04 --json",
	},
	new: func() runner { return &issueCmd{} },
}

type issueCmd struct {
	period periodFlags
	media  mediaFlags
	json   bool
}

func (c *issueCmd) flags(fs *flag.FlagSet) {
	c.period.register(fs, "", true)
	c.media.register(fs)
	fs.BoolVar(&c.json, "json", false, "JSON, bukan teks")
}

// run shows one issue in full: figures, recommendation with its reason
// and talking points, and its articles.
func (c *issueCmd) run(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{"pakai: pantau issue ID (ID dari pantau issues)"}
	}
	w, err := c.period.window()
	if err != nil {
		return err
	}
	m, err := c.media.filter()
	if err != nil {
		return err
	}
	q, err := openQuery(env, true)
	if err != nil {
		return err
	}
	defer q.close()
	d, err := issueview.Get(q.ctx, q.b, q.rules, args[0], w, m)
	if errors.Is(err, issueview.ErrNotFound) {
		if media := c.media.describe(); media != "" {
			return fmt.Errorf("isu %s tidak diberitakan%s%s; tanpa --jenis/--platform seluruh pemberitaannya dicari", args[0], media, c.period.within())
		}
		if c.period.since != "" {
			return fmt.Errorf("isu %s tidak ditemukan dalam %s; tanpa --since isu dicari sepanjang masanya", args[0], c.period.describe())
		}
		return fmt.Errorf("isu %s tidak ditemukan; daftar isu: pantau issues --since 30d", args[0])
	}
	if err != nil {
		return err
	}
	if c.json {
		enc := jsonOut(env)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	out := env.Stdout
	wita := news.WITA
	fmt.Fprintf(out, "%s — %s\n", d.ID, d.Name)
	fmt.Fprintf(out, "Periode: %s s.d. %s\n", indonesian.Stamp(d.FirstSeen.In(wita)), indonesian.Stamp(d.LastSeen.In(wita)))
	fmt.Fprintf(out, "Pemberitaan%s: %s (positif %s, netral %s, berpotensi negatif %s, negatif %s) di %s media\n", c.media.describe(),
		num(d.Mentions), num(d.ByLabel[0]), num(d.ByLabel[1]), num(d.ByLabel[2]), num(d.ByLabel[3]), num(len(d.Outlets)))
	fmt.Fprintf(out, "Sebaran: media massa %s, siaran pers %s, media sosial %s\n", num(d.ByKind[0]), num(d.ByKind[1]), num(d.ByKind[2]))
	if st := report.Stage(d.IssueSummary); st != "" {
		fmt.Fprintf(out, "Tahap: %s — %s\n", st, report.StageHint(d.Lifecycle))
	}
	fmt.Fprintf(out, "Wilayah: %s\nOPD: %s\nKata kunci: %s\n", orDash(d.Regions), orDash(d.OPDs), orDash(d.KeyPhrases))
	if d.Spike {
		fmt.Fprintf(out, "LONJAKAN: %s pemberitaan dalam 24 jam terakhir, rata-rata %s/hari sebelumnya (seluruh pemberitaan isu)\n",
			num(d.Today), indonesian.Decimal(d.Baseline, 1))
	}
	if len(d.Series) > 0 {
		fmt.Fprintln(out, "\nSentimen per hari (positif / netral / berpotensi negatif / negatif):")
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, m := range d.Series {
			fmt.Fprintf(tw, "  %s\t%s\n", day(m.Day), nums(m.ByLabel[:]))
		}
		tw.Flush()
	}
	rec := d.Recommendation
	fmt.Fprintf(out, "\nRekomendasi: %s (urgensi %s, OPD: %s)\n  %s\n  (aturan: %s)\n", rec.Strategy, rec.Urgency, rec.OPD, rec.Reason, rec.Rule)
	if len(d.TalkingPoints) > 0 {
		fmt.Fprintln(out, "\nBahan narasi dari pemberitaan positif/netral:")
		for _, p := range d.TalkingPoints {
			fmt.Fprintf(out, "  - %s\n", p)
		}
	}
	fmt.Fprintf(out, "\nArtikel (%s terbaru):\n", num(len(d.Articles)))
	for _, a := range d.Articles {
		fmt.Fprintln(out, "  "+mentionLine(a, "    "))
	}
	return nil
}

// mentionLine is one article in a list: when, where, its label and title,
// then on the next line (indented) its URL and id.
func mentionLine(a store.MentionRow, indent string) string {
	// The outlet and what it is fit one column: a long name is cut, never
	// its "(siaran pers)" or platform, nor the columns after it.
	const width = 36
	suffix := ""
	switch {
	case a.Platform != "" && !strings.HasPrefix(strings.ToLower(a.Outlet), strings.ToLower(platformNames[a.Platform])+":"):
		suffix = " (" + a.Platform + ")"
	case a.Kind == news.KindRilis:
		suffix = " (siaran pers)"
	}
	where := cut(a.Outlet, width-len([]rune(suffix))) + suffix
	return fmt.Sprintf("%-22s  %-*s  %-18s  %s\n%s%s  id %s", indonesian.Stamp(a.Published.In(news.WITA)), width, where, a.Label, cut(a.Title, 80),
		indent, a.URL, a.ID)
}

// platformNames are the platforms as outlets name them ("Facebook: Info
// Samarinda"): such an outlet needs no "(facebook)" after it.
var platformNames = map[string]string{"facebook": "Facebook", "instagram": "Instagram", "x": "X", "tiktok": "TikTok",
	"youtube": "YouTube", "telegram": "Telegram"}

// day writes a WITA day of the form YYYY-MM-DD: "Rabu, 12 Juni 2024".
func day(s string) string {
	t, err := time.ParseInLocation(time.DateOnly, s, news.WITA)
	if err != nil {
		return s
	}
	return indonesian.Date(t)
}
