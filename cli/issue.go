package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/issueview"
	"github.com/diskominfo-kaltim/pantau/news"
)

var issueCommand = &command{
	name:    "issue",
	args:    "ID [--json]",
	summary: "rincian satu isu: angka, sentimen per hari, rekomendasi dan alasannya, bahan narasi, artikel",
	about: `ID adalah kolom ID dari pantau issues. Tanpa --since, isu ditampilkan sepanjang masanya
(juga isu lama); --since membatasi angka dan sentimen per hari pada periode itu. Paling banyak
100 artikel terbaru ditampilkan.`,
	scope: config.ScopeStore | config.ScopeRules,
	examples: []string{
		"pantau issue 3f9c2a1b7d04",
		"pantau issue 3f9c2a1b7d04 --since 7d",
		"pantau issue 3f9c2a1b7d04 --json",
	},
	new: func() runner { return &issueCmd{} },
}

type issueCmd struct {
	period periodFlags
	json   bool
}

func (c *issueCmd) flags(fs *flag.FlagSet) {
	c.period.register(fs, "", true)
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
	q, err := openQuery(env, true)
	if err != nil {
		return err
	}
	defer q.close()
	d, err := issueview.Get(q.ctx, q.b, q.rules, args[0], w)
	if errors.Is(err, issueview.ErrNotFound) {
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
	fmt.Fprintf(out, "Periode: %s s.d. %s WITA\n", d.FirstSeen.In(wita).Format("02/01/2006 15:04"), d.LastSeen.In(wita).Format("02/01/2006 15:04"))
	fmt.Fprintf(out, "Pemberitaan: %d (positif %d, netral %d, berpotensi negatif %d, negatif %d) di %d media\n",
		d.Mentions, d.ByLabel[0], d.ByLabel[1], d.ByLabel[2], d.ByLabel[3], len(d.Outlets))
	fmt.Fprintf(out, "Wilayah: %s\nOPD: %s\nKata kunci: %s\n", orDash(d.Regions), orDash(d.OPDs), orDash(d.KeyPhrases))
	if d.Spike {
		fmt.Fprintf(out, "LONJAKAN: %d berita dalam 24 jam terakhir, rata-rata %.1f/hari sebelumnya\n", d.Today, d.Baseline)
	}
	if len(d.Series) > 0 {
		fmt.Fprintln(out, "\nSentimen per hari (positif / netral / berpotensi negatif / negatif):")
		for _, m := range d.Series {
			fmt.Fprintf(out, "  %s  %3d / %3d / %3d / %3d\n", m.Day, m.ByLabel[0], m.ByLabel[1], m.ByLabel[2], m.ByLabel[3])
		}
	}
	rec := d.Recommendation
	fmt.Fprintf(out, "\nRekomendasi: %s (urgensi %s, OPD: %s)\n  %s\n  (aturan: %s)\n", rec.Strategy, rec.Urgency, rec.OPD, rec.Reason, rec.Rule)
	if len(d.TalkingPoints) > 0 {
		fmt.Fprintln(out, "\nBahan narasi dari pemberitaan positif/netral:")
		for _, p := range d.TalkingPoints {
			fmt.Fprintf(out, "  - %s\n", p)
		}
	}
	fmt.Fprintf(out, "\nArtikel (%d terbaru):\n", len(d.Articles))
	for _, a := range d.Articles {
		fmt.Fprintf(out, "  %s  %-18s  %-18s %s\n    %s  id %s\n", a.Published.In(wita).Format("02/01/2006 15:04"), cut(a.Outlet, 18), a.Label, cut(a.Title, 80), a.URL, a.ID)
	}
	return nil
}
