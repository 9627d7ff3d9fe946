package cli

import (
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

var trendCommand = &command{
	name:    "trend",
	args:    "[--by label|region|outlet|opd|issue|jenis|platform] [--interval day|hour] [--since 30d] [--jenis J] [--platform P]",
	summary: "jumlah dan sentimen pemberitaan per hari atau per jam (WITA) menurut label, wilayah, media, OPD, isu, jenis atau platform",
	scope:   config.ScopeStore,
	examples: []string{
		"pantau trend",
		"pantau trend --by region --since 7d",
		"pantau trend --by issue --interval hour --since 48h --limit 5",
		"pantau trend --by outlet --json",
		"pantau trend --by jenis --since 7d",
		"pantau trend --by platform --jenis media-sosial",
	},
	new: func() runner { return &trendCmd{} },
}

type trendCmd struct {
	period       periodFlags
	media        mediaFlags
	by, interval string
	limit        int
	json         bool
}

// trendHeads are the key column's heading per dimension.
var trendHeads = map[string]string{"label": "LABEL", "region": "WILAYAH", "outlet": "MEDIA", "opd": "OPD", "issue": "ISU",
	"jenis": "JENIS", "platform": "PLATFORM"}

func (c *trendCmd) flags(fs *flag.FlagSet) {
	c.period.register(fs, "30d", true)
	c.media.register(fs)
	fs.StringVar(&c.by, "by", "label", "dikelompokkan menurut "+strings.Join(store.TrendDimensions, ", ")+
		" (jenis: media massa, siaran pers, media sosial; platform: web atau platform media sosial)")
	fs.StringVar(&c.interval, "interval", "day", "per day (hari) atau hour (jam), WITA")
	fs.IntVar(&c.limit, "limit", 10, "dengan --by issue: isu yang paling banyak diberitakan pada periode itu")
	fs.BoolVar(&c.json, "json", false, "JSON lines, bukan tabel")
}

// run prints mentions per day or hour by label, region, outlet, OPD or
// issue, with their sentiment mix.
func (c *trendCmd) run(env *Env, _ []string) error {
	if !slices.Contains(store.TrendDimensions, c.by) {
		return usageError{fmt.Sprintf("--by %q tidak dikenal; pilih %s", c.by, strings.Join(store.TrendDimensions, ", "))}
	}
	if !slices.Contains(store.TrendIntervals, c.interval) {
		return usageError{fmt.Sprintf("--interval %q tidak dikenal; pilih %s", c.interval, strings.Join(store.TrendIntervals, " atau "))}
	}
	if c.limit < 1 || c.limit > 100 {
		return usageError{"--limit harus 1..100"}
	}
	w, err := c.period.window()
	if err != nil {
		return err
	}
	m, err := c.media.filter()
	if err != nil {
		return err
	}
	if c.interval == "hour" && w.Until.Sub(w.Since) > 31*24*time.Hour {
		return usageError{"--interval hour: periode paling panjang 31 hari (contoh: --since 7d)"}
	}
	q, err := openQuery(env, false)
	if err != nil {
		return err
	}
	defer q.close()
	pts, err := store.Trend(q.ctx, q.b, store.TrendQuery{By: c.by, Interval: c.interval, Since: w.Since, Until: w.Until,
		Media: m, Issues: c.limit})
	if err != nil {
		return err
	}
	if c.json {
		return encodeEach(env, pts)
	}
	if len(pts) == 0 {
		fmt.Fprintf(env.Stdout, "Tidak ada pemberitaan%s dalam %s. Periode lebih panjang: --since 90d\n", c.media.describe(), c.period.describe())
		return nil
	}
	when := "TANGGAL (WITA)"
	if c.interval == "hour" {
		when = "JAM (WITA)"
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\tJUMLAH\tPOS\tNET\tBERPOT\tNEG\n", when, trendHeads[c.by])
	for _, p := range pts {
		key := p.Key
		switch {
		case p.Name != "":
			key = p.Name
		case c.by == "jenis":
			key = kindWords[p.Key]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", trendPeriod(p.Period), cut(key, 40), num(p.Count),
			num(p.ByLabel[0]), num(p.ByLabel[1]), num(p.ByLabel[2]), num(p.ByLabel[3]))
	}
	return tw.Flush()
}

// trendPeriod writes a trend's day ("Rabu, 12 Juni 2024") or hour ("12
// Jun 2024 07.00 WITA").
func trendPeriod(p string) string {
	t, err := time.ParseInLocation("2006-01-02 15:04", p, news.WITA)
	if err != nil {
		return day(p)
	}
	return indonesian.Stamp(t)
}
