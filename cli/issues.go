package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/issueview"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/period"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

var issuesCommand = &command{
	name:    "issues",
	args:    "[--since 7d] [--region R] [--label L] [--jenis J] [--platform P] [--json]",
	summary: "daftar isu suatu periode: sebaran sentimen, media massa/siaran pers/media sosial, wilayah, OPD, lonjakan, rekomendasi",
	about: `Dengan --region, --jenis atau --platform, angka setiap isu hanya menghitung pemberitaan yang
dipilih (misalnya --jenis media-sosial: isu yang dibicarakan di media sosial, dengan jumlah
unggahannya); lonjakan menilai seluruh pemberitaan isu.`,
	scope: config.ScopeStore | config.ScopeRules,
	examples: []string{
		"pantau issues",
		`pantau issues --since 30d --region "Kota Samarinda"`,
		`pantau issues --label "berpotensi negatif" --json`,
		"pantau issues --jenis media-sosial --platform instagram",
		"pantau issues --since 7d --until 2024-06-12",
	},
	new: func() runner { return &issuesCmd{} },
}

type issuesCmd struct {
	period        periodFlags
	media         mediaFlags
	region, label string
	limit         int
	json          bool
}

func (c *issuesCmd) flags(fs *flag.FlagSet) {
	c.period.register(fs, "7d", true)
	c.media.register(fs)
	fs.StringVar(&c.region, "region", "", "hanya isu di kabupaten/kota ini (contoh: \"Kota Samarinda\")")
	fs.StringVar(&c.label, "label", "", "hanya isu yang labelnya paling banyak ini: "+labelChoices)
	fs.IntVar(&c.limit, "limit", 20, "isu paling banyak yang ditampilkan")
	fs.BoolVar(&c.json, "json", false, "JSON, bukan tabel")
}

// cmdIssues lists the issues of a period with their sentiment mix,
// spikes and recommendation.
func (c *issuesCmd) run(env *Env, _ []string) error {
	if c.label != "" && !news.ValidLabel(c.label) {
		return usageError{fmt.Sprintf("label %q tidak dikenal; pilih %s", c.label, labelChoices)}
	}
	if c.limit < 1 {
		return usageError{"--limit paling sedikit 1"}
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
	region, err := resolveRegion(q, c.region)
	if err != nil {
		return err
	}
	// One more than asked tells whether the list was cut.
	views, err := issueview.List(q.ctx, q.b, q.rules, store.IssueFilter{Since: w.Since, Until: w.Until, Region: region, Label: c.label,
		Media: m, Limit: c.limit + 1})
	if err != nil {
		return err
	}
	more := len(views) > c.limit
	views = views[:min(len(views), c.limit)]
	if c.json {
		enc := jsonOut(env)
		enc.SetIndent("", "  ")
		return enc.Encode(views)
	}
	if len(views) == 0 {
		in := ""
		if region != "" {
			in = " di " + region
		}
		fmt.Fprintf(env.Stdout, "Tidak ada isu%s%s dalam %s.%s\n", in, c.media.describe(), c.period.describe(), c.period.longer())
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tISU\tJUMLAH\t+ / = / ~ / −\tMASSA / PERS / SOSMED\tMEDIA\tWILAYAH\tOPD\tTAHAP\tREKOMENDASI")
	for _, v := range views {
		// Where the issue is in its life; a spike says by how much.
		spike := report.Stage(v.IssueSummary)
		if v.Spike {
			spike += fmt.Sprintf(" (%s vs %s/hari)", num(v.Today), indonesian.Decimal(v.Baseline, 1))
		}
		if spike == "" {
			spike = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s (%s)\n", v.ID, cut(v.Name, 40), num(v.Mentions),
			nums(v.ByLabel[:]), nums(v.ByKind[:]), num(len(v.Outlets)), cut(strings.Join(v.Regions, ", "), 30),
			cut(mainOPD(v.OPDs), 36), spike, v.Recommendation.Strategy, v.Recommendation.Urgency)
	}
	tw.Flush()
	fmt.Fprintln(env.Stdout, "\n+ positif, = netral, ~ berpotensi negatif, − negatif; sebaran: media massa / siaran pers / media sosial.")
	if more {
		fmt.Fprintf(env.Stdout, "%s isu dengan pemberitaan terbanyak; masih ada isu lain: --limit %d\n", num(c.limit), max(2*c.limit, 50))
	}
	fmt.Fprintf(env.Stdout, "Rincian: %s issue ID\n", binName())
	return nil
}

// binName is this binary as the user called it, for the commands a
// message suggests: "./bin/pantau", or "pantau" when found on PATH.
func binName() string {
	if strings.Contains(os.Args[0], "/") {
		return os.Args[0]
	}
	return "pantau"
}

// num writes a count as analysts read it: 1.355.
func num(n int) string { return indonesian.Int(int64(n)) }

// nums writes counts side by side: "12 / 3 / 0".
func nums(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = num(n)
	}
	return strings.Join(s, " / ")
}

// mediaFlags are the analyst commands' --jenis and --platform.
type mediaFlags struct {
	jenis, platform string
}

func (m *mediaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.jenis, "jenis", "", "hanya "+store.KindChoices+" (media-massa: berita media; siaran-pers: rilis pemerintah)")
	fs.StringVar(&m.platform, "platform", "", "hanya dari platform ini: "+store.PlatformChoices+" (web: situs media dan siaran pers)")
}

// filter is the media asked for.
func (m *mediaFlags) filter() (store.MediaFilter, error) {
	kind, err := store.ParseKind(m.jenis)
	if err != nil {
		return store.MediaFilter{}, usageError{"--jenis " + err.Error()}
	}
	platform, err := store.ParsePlatform(m.platform)
	if err != nil {
		return store.MediaFilter{}, usageError{"--platform " + err.Error()}
	}
	return store.MediaFilter{Kind: kind, Platform: platform}, nil
}

// describe names the media asked for after a noun: " di media sosial",
// " di instagram", " di media sosial (instagram)", or "" for all.
func (m *mediaFlags) describe() string {
	f, err := m.filter()
	if err != nil {
		return ""
	}
	platform := f.Platform
	if platform == store.PlatformWeb {
		platform = "situs web"
	}
	switch {
	case f.Kind != "" && platform != "":
		return " di " + kindWords[f.Kind] + " (" + platform + ")"
	case f.Kind != "":
		return " di " + kindWords[f.Kind]
	case platform != "":
		return " di " + platform
	}
	return ""
}

// kindWords are the kinds of item in words.
var kindWords = map[string]string{news.KindBerita: "media massa", news.KindRilis: "siaran pers", news.KindSosmed: "media sosial"}

// labelChoices names the four classes for help and messages.
var labelChoices = `positif, netral, "berpotensi negatif" atau negatif`

// periodFlags are the analyst commands' period: --since and, where a
// period can end before now, --until.
type periodFlags struct {
	since, until string
}

func (p *periodFlags) register(fs *flag.FlagSet, since string, until bool) {
	if since == "" {
		fs.StringVar(&p.since, "since", "", "hanya periode ini ke belakang: 24h, 7d, 2w, ...; kosong: seluruh masa isu")
	} else {
		fs.StringVar(&p.since, "since", since, "periode ke belakang: 24h, 7d, 2w, ...")
	}
	if until {
		fs.StringVar(&p.until, "until", "", "akhir periode: YYYY-MM-DD (00:00 WITA) atau waktu RFC 3339; bawaan sekarang")
	}
}

// window is the period asked for; with no --since, a window with a zero
// Since (the whole life of an issue).
func (p *periodFlags) window() (period.Window, error) {
	if p.since == "" {
		end, err := period.End(p.until, time.Now())
		if err != nil {
			return period.Window{}, usageError{err.Error()}
		}
		return period.Window{Until: end}, nil
	}
	w, err := period.Back(p.since, p.until, time.Now())
	if err != nil {
		return period.Window{}, usageError{err.Error()}
	}
	return w, nil
}

// describe names the period in a sentence: "7 hari terakhir", or "7 hari
// sampai 12 Juni 2024".
func (p *periodFlags) describe() string {
	if p.until != "" {
		until := p.until
		if t, err := time.ParseInLocation(time.DateOnly, until, news.WITA); err == nil {
			until = indonesian.DateNoDay(t)
		}
		return fmt.Sprintf("%s sampai %s", lengthWords(p.since), until)
	}
	return lengthWords(p.since) + " terakhir"
}

// within names the period after a sentence, " dalam 7 hari terakhir", or
// "" without --since.
func (p *periodFlags) within() string {
	if p.since == "" {
		return ""
	}
	return " dalam " + p.describe()
}

// longer is the hint after an empty answer: a --since longer than the one
// asked, or "" when it was a year or more.
func (p *periodFlags) longer() string {
	d, err := period.Parse(p.since)
	if err != nil {
		return ""
	}
	for _, l := range []string{"30d", "90d", "365d"} {
		if ld, _ := period.Parse(l); ld > d {
			return " Periode lebih panjang: --since " + l
		}
	}
	return ""
}

// lengthWords writes a period length for readers: "24h" is "24 jam",
// "7d" "7 hari", "2w" "2 pekan".
func lengthWords(s string) string {
	if _, err := period.Parse(s); err != nil {
		return s
	}
	unit := map[byte]string{'h': "jam", 'd': "hari", 'w': "pekan"}[s[len(s)-1]]
	return s[:len(s)-1] + " " + unit
}

// resolveRegion reads --region as analysts write it: a name of
// regions_ref, in any case, or without "Kota"/"Kabupaten" ("samarinda" is
// Kota Samarinda). An unknown name is a usage error that lists the names.
func resolveRegion(q *query, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	names, err := store.RegionNames(q.ctx, q.b)
	if err != nil {
		return "", err
	}
	short := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		for _, p := range []string{"kota ", "kabupaten ", "kab. "} {
			s = strings.TrimPrefix(s, p)
		}
		return s
	}
	for _, n := range names {
		if n == name {
			return n, nil
		}
	}
	for _, n := range names {
		if strings.EqualFold(n, strings.TrimSpace(name)) || short(n) == short(name) {
			return n, nil
		}
	}
	if len(names) == 0 { // a store without regions_ref: the name as given
		return name, nil
	}
	return "", usageError{fmt.Sprintf("wilayah %q tidak dikenal; pilih salah satu: %s", name, strings.Join(names, ", "))}
}

// rules loads the configured rules file (--rules) or the shipped rules.
func rules(cfg *config.Config) (issuemap.Rules, error) {
	if cfg.RulesFile != "" {
		return issuemap.LoadRules(cfg.RulesFile)
	}
	return issuemap.DefaultRules()
}

// query is an analyst command's open store, with the rules when it
// drafts recommendations.
type query struct {
	ctx    context.Context
	cancel context.CancelFunc
	b      store.Backend
	rules  issuemap.Rules
}

func openQuery(env *Env, withRules bool) (*query, error) {
	q := &query{}
	if withRules {
		var err error
		if q.rules, err = rules(env.Config); err != nil {
			return nil, err
		}
	}
	q.ctx, q.cancel = context.WithTimeout(context.Background(), 2*time.Minute)
	b, err := openStore(q.ctx, env, nil)
	if err != nil {
		q.cancel()
		return nil, err
	}
	q.b = b
	return q, nil
}

func (q *query) close() {
	q.b.Close()
	q.cancel()
}

// openStore opens the configured store and brings its schema up to date.
func openStore(ctx context.Context, env *Env, log *slog.Logger) (store.Backend, error) {
	return openShared(ctx, env, log, true) // cli/door.go
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

func orDash(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, ", ")
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
