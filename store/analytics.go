package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// The issue-mapping queries. They run on current ClickHouse engines (chDB
// in process, or a server of 22.8 or later for the native backend: they
// bind parameters on the server side) and always read FINAL, so a
// re-inserted article counts once. They read mention_facts (migration 7:
// partitioned by month, ordered by issue) with FinalByPartition, so FINAL
// merges only the months a period touches.

// IssueFilter selects issues.
type IssueFilter struct {
	Since, Until time.Time
	Region       string // kabupaten/kota name, "" for all
	OPD          string // an office named in the issue's mentions, "" for all
	Label        string // dominant label, "" for all
	ID           string // one issue
	Media        MediaFilter
	Limit        int
}

// IssueSummary is an issue's figures over a period.
type IssueSummary struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	KeyPhrases []string  `json:"keyphrases"`
	Mentions   int       `json:"mentions"`
	ByLabel    [4]int    `json:"by_label"` // positif, netral, berpotensi negatif, negatif
	Outlets    []string  `json:"outlets"`
	Regions    []string  `json:"regions"`
	OPDs       []string  `json:"opds"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	// The last day of the period against the 14 before, for the spike
	// rule (issuemap.Spike).
	Today         int     `json:"today"`
	Baseline      float64 `json:"baseline_per_day"`
	NegShareToday float64 `json:"neg_share_today"`
	NegShareBase  float64 `json:"neg_share_baseline"`
	// Judged by issuemap.Issues, not by the queries here: whether the
	// issue is spiking, and where it is in its life (baru, meningkat,
	// ditangani, mereda, berlangsung).
	Spike     bool   `json:"spike"`
	Lifecycle string `json:"lifecycle,omitempty"`
	// LifecycleSince is the day (00:00 WITA) it entered that state, where
	// its days tell (issuemap.LifecycleSince); zero otherwise.
	LifecycleSince time.Time `json:"lifecycle_since,omitzero"`
	// Where it spreads: mentions per kind (berita, rilis, sosmed), of
	// those the filter selects (Issues), and the platforms of its social
	// items, most first (issuemap.Issues).
	ByKind    [3]int   `json:"by_kind"`
	Platforms []string `json:"platforms,omitempty"`
}

// Dominant is the label with most mentions.
func (s IssueSummary) Dominant() string {
	best := 0
	for i, n := range s.ByLabel {
		if n > s.ByLabel[best] {
			best = i
		}
	}
	return labelNames[best]
}

// NegShare is the share of negatif and berpotensi negatif mentions.
func (s IssueSummary) NegShare() float64 {
	if s.Mentions == 0 {
		return 0
	}
	return float64(s.ByLabel[2]+s.ByLabel[3]) / float64(s.Mentions)
}

var labelNames = [4]string{"positif", "netral", "berpotensi negatif", "negatif"}

// FinalByPartition ends every query on mention_facts (the dashboards' too):
// an article's copies share a month partition, so FINAL need not merge
// across partitions.
const FinalByPartition = "\nSETTINGS do_not_merge_across_partitions_select_final = 1"

func dt(t time.Time) string { return t.UTC().Format(time.DateTime) }

// topOf ranks the distinct values of a flattened array column, most
// frequent first, as ClickHouse SQL over the alias arr.
const topOf = "arraySlice(arrayMap(x -> x.1, arraySort(x -> (-x.2, x.1), arrayMap(k -> (k, countEqual(%[1]s, k)), arrayDistinct(%[1]s)))), 1, %[2]d)"

// Issues returns the issues with mentions in the filter's period, most
// mentioned first, with their spike figures. Region, office and media
// filters count only the mentions they select; the spike figures are the
// issue's, all its mentions.
func Issues(ctx context.Context, b Backend, f IssueFilter) ([]IssueSummary, error) {
	db := b.Database()
	if f.Limit <= 0 {
		f.Limit = 50
	}
	params := map[string]string{"since": dt(f.Since), "until": dt(f.Until), "region": f.Region, "opd": f.OPD, "id": f.ID}
	media := f.Media.where(params)
	// Counts first, over every issue of the period; the costlier lists of
	// outlets, regions and offices only for the issues shown.
	q := fmt.Sprintf(`SELECT issue_id, count() AS n,
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif'),
    min(published_at), max(published_at),
    countIf(`+kindExpr+` = 'berita'), countIf(kind = 'rilis'), countIf(kind = 'sosmed')
FROM %[1]s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')} AND issue_id != ''
  AND ({region:String} = '' OR has(regions, {region:String}))
  AND ({opd:String} = '' OR has(opds, {opd:String}))
  AND ({id:String} = '' OR issue_id = {id:String})%[3]s
GROUP BY issue_id
ORDER BY n DESC, issue_id
LIMIT %[2]d`+FinalByPartition, db, f.Limit*4, media)
	res, err := b.Query(ctx, q, params)
	if err != nil {
		return nil, fmt.Errorf("issue summaries: %w", err)
	}
	var out []IssueSummary
	for i := range res.Rows {
		var s IssueSummary
		if err := res.Scan(i, &s.ID, &s.Mentions, &s.ByLabel[0], &s.ByLabel[1], &s.ByLabel[2], &s.ByLabel[3], &s.FirstSeen, &s.LastSeen,
			&s.ByKind[0], &s.ByKind[1], &s.ByKind[2]); err != nil {
			return nil, fmt.Errorf("issue summaries: %w", err)
		}
		if f.Label != "" && s.Dominant() != f.Label {
			continue
		}
		out = append(out, s)
		if len(out) == f.Limit {
			break
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	ids, idx := issueKeys(out)
	params["ids"] = arrayParam(ids)
	res, err = b.Query(ctx, fmt.Sprintf(`SELECT issue_id,
    `+fmt.Sprintf(topOf, "groupArray(outlet)", 10)+`,
    `+fmt.Sprintf(topOf, "groupArrayArray(regions)", 5)+`,
    `+fmt.Sprintf(topOf, "groupArrayArray(opds)", 3)+`
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
  AND issue_id IN {ids:Array(String)}
  AND ({region:String} = '' OR has(regions, {region:String}))
  AND ({opd:String} = '' OR has(opds, {opd:String}))%s
GROUP BY issue_id`+FinalByPartition, db, media), params)
	if err != nil {
		return nil, fmt.Errorf("issue details: %w", err)
	}
	for i := range res.Rows {
		var id string
		var outlets, regions, opds []string
		if err := res.Scan(i, &id, &outlets, &regions, &opds); err != nil {
			return nil, fmt.Errorf("issue details: %w", err)
		}
		if j, ok := idx[id]; ok {
			out[j].Outlets, out[j].Regions, out[j].OPDs = outlets, regions, opds
		}
	}
	names, err := issueNames(ctx, b, ids)
	if err != nil {
		return nil, err
	}
	for id, n := range names {
		out[idx[id]].Name, out[idx[id]].KeyPhrases = n.name, n.keyPhrases
	}
	return out, fillSpikes(ctx, b, f.Until, out, ids, idx)
}

// issueKeys lists the issues' ids, and where each id is in out.
func issueKeys(out []IssueSummary) ([]string, map[string]int) {
	ids := make([]string, len(out))
	idx := make(map[string]int, len(out))
	for i, s := range out {
		ids[i] = s.ID
		idx[s.ID] = i
	}
	return ids, idx
}

type issueName struct {
	name       string
	keyPhrases []string
}

// issueNames reads the latest name and key phrases of each issue.
func issueNames(ctx context.Context, b Backend, ids []string) (map[string]issueName, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, argMax(name, updated_at), argMax(keyphrases, updated_at)
FROM %s.issues WHERE id IN {ids:Array(String)} GROUP BY id`, b.Database()),
		map[string]string{"ids": arrayParam(ids)})
	if err != nil {
		return nil, fmt.Errorf("issue names: %w", err)
	}
	names := make(map[string]issueName, len(res.Rows))
	for i := range res.Rows {
		var id string
		var n issueName
		if err := res.Scan(i, &id, &n.name, &n.keyPhrases); err != nil {
			return nil, fmt.Errorf("issue names: %w", err)
		}
		names[id] = n
	}
	return names, nil
}

// fillSpikes reads each issue's last day before until and its 14 days
// before that: the figures issuemap's spike rule judges. The baseline is a
// daily mean over the days the store has seen of those 14: in a new
// store's first fortnight, over the days since its first mention, so that
// an issue is not "up against a baseline of nothing" only because the
// store is new.
func fillSpikes(ctx context.Context, b Backend, until time.Time, out []IssueSummary, ids []string, idx map[string]int) error {
	day := until.Add(-24 * time.Hour)
	first, err := FirstPublished(ctx, b, day)
	if err != nil {
		return fmt.Errorf("spikes: %w", err)
	}
	days := 14.0
	if !first.IsZero() {
		days = min(max(math.Ceil(day.Sub(first).Hours()/24), 1), 14)
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT issue_id,
    countIf(published_at >= {day:DateTime('UTC')}) AS today,
    countIf(published_at < {day:DateTime('UTC')}) AS before,
    countIf(published_at >= {day:DateTime('UTC')} AND label IN ('negatif', 'berpotensi negatif')) AS neg_today,
    countIf(published_at < {day:DateTime('UTC')} AND label IN ('negatif', 'berpotensi negatif')) AS neg_before
FROM %s.mention_facts FINAL
WHERE published_at >= {day:DateTime('UTC')} - INTERVAL 14 DAY AND published_at < {day:DateTime('UTC')} + INTERVAL 1 DAY
  AND issue_id IN {ids:Array(String)}
GROUP BY issue_id`+FinalByPartition, b.Database()), map[string]string{"day": dt(day), "ids": arrayParam(ids)})
	if err != nil {
		return fmt.Errorf("spikes: %w", err)
	}
	for i := range res.Rows {
		var id string
		var today, before, negToday, negBefore int
		if err := res.Scan(i, &id, &today, &before, &negToday, &negBefore); err != nil {
			return fmt.Errorf("spikes: %w", err)
		}
		j, ok := idx[id]
		if !ok {
			continue
		}
		s := &out[j]
		s.Today = today
		s.Baseline = float64(before) / days
		if today > 0 {
			s.NegShareToday = float64(negToday) / float64(today)
		}
		if before > 0 {
			s.NegShareBase = float64(negBefore) / float64(before)
		}
	}
	return nil
}

// arrayParam formats strings as an Array(String) query parameter.
func arrayParam(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = Quote(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// MentionRow is one article as analysts see it.
type MentionRow struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Outlet    string    `json:"outlet"`
	Label     string    `json:"label"`
	URL       string    `json:"url"`
	Published time.Time `json:"published_at"`
	Regions   []string  `json:"regions"`
	Kind      string    `json:"kind"`               // berita, rilis, sosmed
	Platform  string    `json:"platform,omitempty"` // the social platform; "" for web sites
}

// mentionColumns are what scanMentions reads, in its order.
const mentionColumns = "id, title, outlet, toString(label), url, published_at, regions, " + kindExpr + ", platform"

// IssueMentions returns an issue's articles from the media m selects,
// newest first. The issue's ids come from mention_facts (ordered by
// issue), the articles from mentions by primary key.
func IssueMentions(ctx context.Context, b Backend, issueID string, m MediaFilter, limit int) ([]MentionRow, error) {
	if limit <= 0 {
		limit = 20
	}
	params := map[string]string{"id": issueID}
	return mentions(ctx, b, fmt.Sprintf(`id IN (SELECT id FROM %s.mention_facts FINAL WHERE issue_id = {id:String}%s
    ORDER BY published_at DESC LIMIT %d`+FinalByPartition+`) AND issue_id = {id:String}`, b.Database(), m.where(params), limit), params, limit)
}

// Search finds mentions from the media m selects, published since, whose
// title or text contains the phrase, newest first.
func Search(ctx context.Context, b Backend, phrase string, since time.Time, m MediaFilter, limit int) ([]MentionRow, error) {
	params := map[string]string{"q": phrase, "since": dt(since)}
	return mentions(ctx, b, "published_at >= {since:DateTime('UTC')} AND (positionCaseInsensitiveUTF8(title, {q:String}) > 0 OR positionCaseInsensitiveUTF8(text, {q:String}) > 0)"+m.where(params),
		params, limit)
}

func mentions(ctx context.Context, b Backend, where string, params map[string]string, limit int) ([]MentionRow, error) {
	if limit <= 0 {
		limit = 20
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s
FROM %s.mentions FINAL WHERE %s ORDER BY published_at DESC LIMIT %d`, mentionColumns, b.Database(), where, limit), params)
	if err != nil {
		return nil, err
	}
	return scanMentions(res)
}

// scanMentions reads rows of mentionColumns.
func scanMentions(res *Result) ([]MentionRow, error) {
	out := make([]MentionRow, len(res.Rows))
	for i := range res.Rows {
		m := &out[i]
		if err := res.Scan(i, &m.ID, &m.Title, &m.Outlet, &m.Label, &m.URL, &m.Published, &m.Regions, &m.Kind, &m.Platform); err != nil {
			return nil, fmt.Errorf("mentions: %w", err)
		}
	}
	return out, nil
}

// TrendPoint is one period's mentions for one key.
type TrendPoint struct {
	Period  string `json:"period"` // WITA: YYYY-MM-DD, or YYYY-MM-DD HH:00 by hour
	Key     string `json:"key"`
	Name    string `json:"name,omitempty"` // the issue's name, by issue
	Count   int    `json:"count"`
	ByLabel [4]int `json:"by_label"` // positif, netral, berpotensi negatif, negatif
	Negatif int    `json:"negatif_or_berpotensi"`
}

// TrendQuery selects a trend.
type TrendQuery struct {
	By           string // label, region, outlet, opd, issue, jenis or platform
	Interval     string // day (default) or hour
	Since, Until time.Time
	Media        MediaFilter
	Issues       int // by issue: the most mentioned issues of the period (default 10)
}

// TrendDimensions are the keys a trend can be counted by, TrendIntervals
// the periods. By jenis the keys are the stored kinds (berita, rilis,
// sosmed), by platform the platforms and PlatformWeb.
var (
	TrendDimensions = []string{"label", "region", "outlet", "opd", "issue", "jenis", "platform"}
	TrendIntervals  = []string{"day", "hour"}
)

// Keys for mentions without a region or an office, in trends and counts.
const (
	NoRegion = "(tanpa wilayah)"
	NoOPD    = "(tanpa OPD)"
)

// dimensionExpr is how mention_facts is counted by each dimension; a
// mention counts once for each of its regions or offices.
var dimensionExpr = map[string]string{
	"label":    "toString(label)",
	"outlet":   "outlet",
	"region":   "arrayJoin(if(empty(regions), [" + Quote(NoRegion) + "], regions))",
	"opd":      "arrayJoin(if(empty(opds), [" + Quote(NoOPD) + "], opds))",
	"issue":    "issue_id",
	"jenis":    kindExpr,
	"platform": platformExpr,
}

// Trend counts mentions per day or hour (WITA) and key, with their
// sentiment mix.
func Trend(ctx context.Context, b Backend, q TrendQuery) ([]TrendPoint, error) {
	keyExpr := dimensionExpr[q.By]
	if keyExpr == "" {
		return nil, fmt.Errorf("unknown trend dimension %q (%s)", q.By, strings.Join(TrendDimensions, ", "))
	}
	if q.Interval == "" {
		q.Interval = "day"
	}
	periodExpr := map[string]string{
		"day":  "toString(toDate(published_at, 'Asia/Makassar'))",
		"hour": "formatDateTime(toStartOfHour(published_at, 'Asia/Makassar'), '%Y-%m-%d %H:00', 'Asia/Makassar')",
	}[q.Interval]
	if periodExpr == "" {
		return nil, fmt.Errorf("unknown trend interval %q (%s)", q.Interval, strings.Join(TrendIntervals, ", "))
	}
	db := b.Database()
	params := map[string]string{"since": dt(q.Since), "until": dt(q.Until)}
	media := q.Media.where(params)
	where := media
	if q.By == "issue" {
		// The period's most mentioned issues (in the media selected).
		if q.Issues <= 0 {
			q.Issues = 10
		}
		where += fmt.Sprintf(` AND issue_id IN (SELECT issue_id FROM %s.mention_facts FINAL
    WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')} AND issue_id != ''%s
    GROUP BY issue_id ORDER BY count() DESC, issue_id LIMIT %d)`, db, media, q.Issues)
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s AS period, %s AS key, count(),
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif')
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}%s
GROUP BY period, key ORDER BY period, key`+FinalByPartition, periodExpr, keyExpr, db, where), params)
	if err != nil {
		return nil, err
	}
	out := make([]TrendPoint, len(res.Rows))
	for i := range res.Rows {
		p := &out[i]
		if err := res.Scan(i, &p.Period, &p.Key, &p.Count, &p.ByLabel[0], &p.ByLabel[1], &p.ByLabel[2], &p.ByLabel[3]); err != nil {
			return nil, fmt.Errorf("trend: %w", err)
		}
		p.Negatif = p.ByLabel[2] + p.ByLabel[3]
	}
	if q.By == "issue" && len(out) > 0 {
		if err := trendNames(ctx, b, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// trendNames names the issues of an issue trend.
func trendNames(ctx context.Context, b Backend, pts []TrendPoint) error {
	var ids []string
	for _, p := range pts {
		if !slices.Contains(ids, p.Key) { // a handful of issues (TrendQuery.Issues)
			ids = append(ids, p.Key)
		}
	}
	names, err := issueNames(ctx, b, ids)
	if err != nil {
		return err
	}
	for i := range pts {
		pts[i].Name = names[pts[i].Key].name
	}
	return nil
}

// DayMix is one day's mentions of an issue per class.
type DayMix struct {
	Day     string `json:"day"` // YYYY-MM-DD in WITA
	ByLabel [4]int `json:"by_label"`
}

// IssueSeries returns an issue's sentiment mix per day (WITA) in the
// media m selects.
func IssueSeries(ctx context.Context, b Backend, issueID string, m MediaFilter, since, until time.Time) ([]DayMix, error) {
	params := map[string]string{"id": issueID, "since": dt(since), "until": dt(until)}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT toString(toDate(published_at, 'Asia/Makassar')) AS day,
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif')
FROM %s.mention_facts FINAL
WHERE issue_id = {id:String} AND published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}%s
GROUP BY day ORDER BY day`+FinalByPartition, b.Database(), m.where(params)), params)
	if err != nil {
		return nil, fmt.Errorf("issue series: %w", err)
	}
	out := make([]DayMix, len(res.Rows))
	for i := range res.Rows {
		d := &out[i]
		if err := res.Scan(i, &d.Day, &d.ByLabel[0], &d.ByLabel[1], &d.ByLabel[2], &d.ByLabel[3]); err != nil {
			return nil, fmt.Errorf("issue series: %w", err)
		}
	}
	return out, nil
}
