package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/issueview"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/period"
	"github.com/diskominfo-kaltim/pantau/pipeline"
	"github.com/diskominfo-kaltim/pantau/store"
)

var (
	flagSince    string
	flagRegion   string
	flagLabel    string
	flagDim      string
	flagLimit    int
	flagInterval string
	flagUntil    string
)

// rules loads the configured rules file (--rules) or the shipped rules.
func rules(cfg *config.Config) (issuemap.Rules, error) {
	if cfg.RulesFile != "" {
		return issuemap.LoadRules(cfg.RulesFile)
	}
	return issuemap.DefaultRules()
}

// issueQuery prepares an issues command: the period (--since, --until),
// the rules and the store.
type issueQuery struct {
	ctx    context.Context
	cancel context.CancelFunc
	b      store.Backend
	rules  issuemap.Rules
	since  time.Time
	until  time.Time
}

func openIssueQuery(env *Env) (*issueQuery, error) {
	w, err := period.Back(flagSince, flagUntil, time.Now())
	if err != nil {
		return nil, usageError{err.Error()}
	}
	rs, err := rules(env.Config)
	if err != nil {
		return nil, err
	}
	ctx, cancel, b, err := openForQuery(env)
	if err != nil {
		return nil, err
	}
	return &issueQuery{ctx: ctx, cancel: cancel, b: b, rules: rs, since: w.Since, until: w.Until}, nil
}

func (q *issueQuery) close() {
	q.b.Close()
	q.cancel()
}

// openStore opens the configured store and brings its schema up to date.
func openStore(ctx context.Context, env *Env, log *slog.Logger) (store.Backend, error) {
	b, err := pipeline.OpenStore(ctx, env.Config)
	if err != nil {
		return nil, err
	}
	if _, err := store.Migrate(ctx, b, log); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func openForQuery(env *Env) (context.Context, context.CancelFunc, store.Backend, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	b, err := openStore(ctx, env, nil)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, cancel, b, nil
}

// cmdIssues lists the issues of a period with their sentiment mix,
// spikes and recommendation.
func cmdIssues(env *Env, _ []string) error {
	if flagLabel != "" && !news.ValidLabel(flagLabel) {
		return usageError{fmt.Sprintf("label %q tidak dikenal", flagLabel)}
	}
	q, err := openIssueQuery(env)
	if err != nil {
		return err
	}
	defer q.close()
	views, err := issueview.List(q.ctx, q.b, q.rules, store.IssueFilter{Since: q.since, Until: q.until, Region: flagRegion, Label: flagLabel, Limit: flagLimit})
	if err != nil {
		return err
	}
	if flagJSON {
		enc := jsonOut(env)
		enc.SetIndent("", "  ")
		return enc.Encode(views)
	}
	if len(views) == 0 {
		fmt.Fprintf(env.Stdout, "Tidak ada isu dalam %s terakhir.\n", flagSince)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tISU\tBERITA\t+ / = / ~ / −\tMEDIA\tWILAYAH\tOPD\tLONJAKAN\tREKOMENDASI")
	for _, v := range views {
		spike := "-"
		if v.Spike {
			spike = fmt.Sprintf("naik (%d vs %.1f/hari)", v.Today, v.Baseline)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d / %d / %d / %d\t%d\t%s\t%s\t%s\t%s (%s)\n", v.ID, cut(v.Name, 40), v.Mentions,
			v.ByLabel[0], v.ByLabel[1], v.ByLabel[2], v.ByLabel[3], len(v.Outlets), cut(strings.Join(v.Regions, ", "), 30),
			cut(mainOPD(v.OPDs), 36), spike, v.Recommendation.Strategy, v.Recommendation.Urgency)
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout, "\n+ positif, = netral, ~ berpotensi negatif, − negatif. Rincian: pantau issue ID")
	return nil
}

// mainOPD is the office with most cues, and how many more there are (all
// of them in `pantau issue ID`).
func mainOPD(opds []string) string {
	switch len(opds) {
	case 0:
		return "-"
	case 1:
		return opds[0]
	}
	return fmt.Sprintf("%s +%d", cut(opds[0], 32), len(opds)-1)
}

func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// cmdIssue shows one issue in full: figures, recommendation with its
// reason and talking points, and its articles.
func cmdIssue(env *Env, args []string) error {
	if len(args) != 1 {
		return usageError{"pakai: pantau issue ID"}
	}
	q, err := openIssueQuery(env)
	if err != nil {
		return err
	}
	defer q.close()
	d, err := issueview.Get(q.ctx, q.b, q.rules, args[0], period.Window{Since: q.since, Until: q.until})
	if errors.Is(err, issueview.ErrNotFound) {
		return fmt.Errorf("isu %s tidak ditemukan dalam %s terakhir", args[0], flagSince)
	}
	if err != nil {
		return err
	}
	if flagJSON {
		enc := jsonOut(env)
		enc.SetIndent("", "  ")
		return enc.Encode(d)
	}
	s, rec, series, points, arts := d.IssueSummary, d.Recommendation, d.Series, d.TalkingPoints, d.Articles
	w := env.Stdout
	wita := news.WITA
	fmt.Fprintf(w, "%s — %s\n", s.ID, s.Name)
	fmt.Fprintf(w, "Periode: %s s.d. %s WITA\n", s.FirstSeen.In(wita).Format("02/01/2006 15:04"), s.LastSeen.In(wita).Format("02/01/2006 15:04"))
	fmt.Fprintf(w, "Pemberitaan: %d (positif %d, netral %d, berpotensi negatif %d, negatif %d) di %d media\n",
		s.Mentions, s.ByLabel[0], s.ByLabel[1], s.ByLabel[2], s.ByLabel[3], len(s.Outlets))
	fmt.Fprintf(w, "Wilayah: %s\nOPD: %s\nKata kunci: %s\n", orDash(s.Regions), orDash(s.OPDs), orDash(s.KeyPhrases))
	if s.Spike {
		fmt.Fprintf(w, "LONJAKAN: %d berita dalam 24 jam terakhir, rata-rata %.1f/hari sebelumnya\n", s.Today, s.Baseline)
	}
	if len(series) > 0 {
		fmt.Fprintln(w, "\nSentimen per hari (positif / netral / berpotensi negatif / negatif):")
		for _, m := range series {
			fmt.Fprintf(w, "  %s  %3d / %3d / %3d / %3d\n", m.Day, m.ByLabel[0], m.ByLabel[1], m.ByLabel[2], m.ByLabel[3])
		}
	}
	fmt.Fprintf(w, "\nRekomendasi: %s (urgensi %s, OPD: %s)\n  %s\n  (aturan: %s)\n", rec.Strategy, rec.Urgency, rec.OPD, rec.Reason, rec.Rule)
	if len(points) > 0 {
		fmt.Fprintln(w, "\nBahan narasi dari pemberitaan positif/netral:")
		for _, p := range points {
			fmt.Fprintf(w, "  - %s\n", p)
		}
	}
	fmt.Fprintln(w, "\nArtikel:")
	for _, a := range arts {
		fmt.Fprintf(w, "  %s  %-18s  %-13s %s\n    %s\n", a.Published.In(wita).Format("02/01 15:04"), cut(a.Outlet, 18), a.Label, cut(a.Title, 80), a.URL)
	}
	return nil
}

func orDash(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ", ")
}

// cmdTrend prints mentions per day or hour by label, region, outlet, OPD
// or issue, with their sentiment mix.
func cmdTrend(env *Env, _ []string) error {
	q, err := openIssueQuery(env)
	if err != nil {
		return err
	}
	defer q.close()
	pts, err := store.Trend(q.ctx, q.b, store.TrendQuery{By: flagDim, Interval: flagInterval, Since: q.since, Until: q.until, Issues: flagLimit})
	if err != nil {
		return usageError{err.Error()}
	}
	if flagJSON {
		return encodeEach(env, pts)
	}
	if len(pts) == 0 {
		fmt.Fprintln(env.Stdout, "Tidak ada berita pada periode ini.")
		return nil
	}
	when := map[string]string{"hour": "JAM (WITA)"}[flagInterval]
	if when == "" {
		when = "TANGGAL (WITA)"
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\t%s\tBERITA\tPOS\tNET\tBERPOT\tNEG\n", when,
		map[string]string{"label": "LABEL", "region": "WILAYAH", "outlet": "MEDIA", "opd": "OPD", "issue": "ISU"}[flagDim])
	for _, p := range pts {
		key := p.Key
		if p.Name != "" {
			key = p.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\n", p.Period, cut(key, 40), p.Count, p.ByLabel[0], p.ByLabel[1], p.ByLabel[2], p.ByLabel[3])
	}
	return tw.Flush()
}

// cmdSearch finds mentions containing a phrase.
func cmdSearch(env *Env, args []string) error {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return usageError{`pakai: pantau search "kata kunci"`}
	}
	q, err := openIssueQuery(env)
	if err != nil {
		return err
	}
	defer q.close()
	rows, err := store.Search(q.ctx, q.b, args[0], q.since, flagLimit)
	if err != nil {
		return err
	}
	if flagJSON {
		return encodeEach(env, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintf(env.Stdout, "Tidak ada berita yang memuat %q dalam %s terakhir.\n", args[0], flagSince)
		return nil
	}
	for _, a := range rows {
		fmt.Fprintf(env.Stdout, "%s  %-18s  %-18s %s\n    %s\n", a.Published.In(news.WITA).Format("02/01 15:04"), cut(a.Outlet, 18), a.Label, cut(a.Title, 80), a.URL)
	}
	return nil
}

// jsonOut is the encoder of the analyst commands' --json output.
func jsonOut(env *Env) *json.Encoder {
	enc := json.NewEncoder(env.Stdout)
	enc.SetEscapeHTML(false)
	return enc
}

// encodeEach writes vs as JSON lines.
func encodeEach[T any](env *Env, vs []T) error {
	enc := jsonOut(env)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	return nil
}
