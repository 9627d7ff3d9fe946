package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The web app's queries: the overview's figures, articles with their
// evidence and confidence, the review queue and the filters' choices. Like
// the issue queries they run on current engines (chDB, or a server of 22.8
// or later) and bind every value on the server side.

// ClassCounts counts the mentions of [since, until) per class, in
// news.Labels order.
func ClassCounts(ctx context.Context, b Backend, since, until time.Time) ([4]int, error) {
	var out [4]int
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT countIf(label = 'positif'), countIf(label = 'netral'),
    countIf(label = 'berpotensi negatif'), countIf(label = 'negatif')
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}`+FinalByPartition, b.Database()),
		map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return out, fmt.Errorf("class counts: %w", err)
	}
	if err := res.One(&out[0], &out[1], &out[2], &out[3]); err != nil {
		return out, fmt.Errorf("class counts: %w", err)
	}
	return out, nil
}

// RegionCount is a region's mentions over a period, with its centroid from
// regions_ref (zero when the region has none).
type RegionCount struct {
	Name     string  `json:"name"`
	Kind     string  `json:"kind"` // kabupaten, kota, provinsi, otorita
	Lat      float64 `json:"lat"`
	Lng      float64 `json:"lng"`
	Mentions int     `json:"mentions"`
	Negative int     `json:"negative"` // negatif and berpotensi negatif
}

// RegionCounts counts the mentions of each region of regions_ref over
// [since, until), every region listed (with zero mentions too), the most
// mentioned first.
func RegionCounts(ctx context.Context, b Backend, since, until time.Time) ([]RegionCount, error) {
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT r.name, r.kind, r.lat, r.lng, ifNull(c.n, 0), ifNull(c.neg, 0)
FROM %[1]s.regions_ref AS r
LEFT JOIN (
    SELECT arrayJoin(regions) AS region, count() AS n, countIf(label IN ('negatif', 'berpotensi negatif')) AS neg
    FROM %[1]s.mention_facts FINAL
    WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
    GROUP BY region
    SETTINGS do_not_merge_across_partitions_select_final = 1
) AS c ON c.region = r.name
ORDER BY ifNull(c.n, 0) DESC, r.name
SETTINGS join_use_nulls = 1`, db), map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("region counts: %w", err)
	}
	out := make([]RegionCount, len(res.Rows))
	for i := range out {
		c := &out[i]
		if err := res.Scan(i, &c.Name, &c.Kind, &c.Lat, &c.Lng, &c.Mentions, &c.Negative); err != nil {
			return nil, fmt.Errorf("region counts: %w", err)
		}
	}
	return out, nil
}

// NamedCount is a name with its mentions and how many were negative
// (negatif or berpotensi negatif).
type NamedCount struct {
	Name     string `json:"name"`
	Mentions int    `json:"mentions"`
	Negative int    `json:"negative"`
}

// Breakdowns are the keys mentions can be counted by in the overview.
var breakdownExpr = map[string]string{
	"outlet":   "outlet",
	"kind":     "if(kind = '', 'berita', kind)",
	"platform": "if(platform = '', 'web', platform)",
}

// Breakdown counts the mentions of [since, until) by outlet, kind (berita,
// rilis, sosmed) or platform, the most mentioned first.
func Breakdown(ctx context.Context, b Backend, by string, since, until time.Time, limit int) ([]NamedCount, error) {
	expr, ok := breakdownExpr[by]
	if !ok {
		return nil, fmt.Errorf("unknown breakdown %q", by)
	}
	if limit <= 0 {
		limit = 10
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s AS k, count() AS n, countIf(label IN ('negatif', 'berpotensi negatif'))
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
GROUP BY k ORDER BY n DESC, k LIMIT %d`+FinalByPartition, expr, b.Database(), limit),
		map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("mentions by %s: %w", by, err)
	}
	out := make([]NamedCount, len(res.Rows))
	for i := range out {
		c := &out[i]
		if err := res.Scan(i, &c.Name, &c.Mentions, &c.Negative); err != nil {
			return nil, fmt.Errorf("mentions by %s: %w", by, err)
		}
	}
	return out, nil
}

// Article is one mention as the web app shows it: with the label, who set
// it, the model's confidence and its evidence.
type Article struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Snippet     string    `json:"snippet"`
	Outlet      string    `json:"outlet"`
	URL         string    `json:"url"`
	Kind        string    `json:"kind"`
	Platform    string    `json:"platform"`
	Published   time.Time `json:"published_at"`
	Label       string    `json:"label"`
	Confidence  float64   `json:"confidence"` // the model's probability of its own label
	ModelLabel  string    `json:"model_label"`
	Evidence    []string  `json:"evidence"`
	Regions     []string  `json:"regions"`
	IssueID     string    `json:"issue_id"`
	LabelSource string    `json:"label_source"` // model or human
	LabeledBy   string    `json:"labeled_by"`
	LabeledAt   time.Time `json:"labeled_at"`
}

// ArticleFilter selects articles. Every field is optional except the
// period (Since, and Until, zero for now).
type ArticleFilter struct {
	Since, Until time.Time
	ID           string // one article
	IssueID      string
	Phrase       string // in the title or text, case-insensitive
	Label        string
	Region       string
	Outlet       string
	Media        MediaFilter
	ModelOnly    bool // only labels no analyst has set (the review queue)
	Limit        int
	// LeastSure orders by the model's confidence, lowest first, instead of
	// newest first.
	LeastSure bool
}

// confidenceExpr is the model's calibrated probability of its label: the
// stored confidence, or for rows stored before it was, the highest score.
const confidenceExpr = "if(confidence > 0, confidence, " + topScoreExpr + ")"

const topScoreExpr = "greatest(score_positif, score_netral, score_berpotensi_negatif, score_negatif)"

// modelLabelExpr is the class the model chose, whatever the stored label.
const modelLabelExpr = `multiIf(score_positif = ` + topScoreExpr + `, 'positif', score_netral = ` + topScoreExpr +
	`, 'netral', score_berpotensi_negatif = ` + topScoreExpr + `, 'berpotensi negatif', 'negatif')`

// Articles returns the articles matching f, newest first (or least sure
// first).
func Articles(ctx context.Context, b Backend, f ArticleFilter) ([]Article, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Until.IsZero() {
		f.Until = time.Now()
	}
	db := b.Database()
	where := []string{"published_at >= {since:DateTime('UTC')}", "published_at < {until:DateTime('UTC')}"}
	params := map[string]string{"since": dt(f.Since), "until": dt(f.Until)}
	add := func(name, value, cond string) {
		if value != "" {
			params[name] = value
			where = append(where, cond)
		}
	}
	if f.IssueID != "" {
		// The issue's ids from mention_facts (ordered by issue), the
		// articles from mentions by primary key.
		params["issue"] = f.IssueID
		where = append(where, fmt.Sprintf(`id IN (SELECT id FROM %s.mention_facts FINAL WHERE issue_id = {issue:String}
    AND published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}`+FinalByPartition+`)`, db),
			"issue_id = {issue:String}")
	}
	add("id", f.ID, "id = {id:String}")
	add("q", f.Phrase, "(positionCaseInsensitiveUTF8(title, {q:String}) > 0 OR positionCaseInsensitiveUTF8(text, {q:String}) > 0)")
	add("label", f.Label, "label = {label:String}")
	add("region", f.Region, "has(regions, {region:String})")
	add("outlet", f.Outlet, "outlet = {outlet:String}")
	if f.ModelOnly {
		where = append(where, "label_source != 'human'")
	}
	order := "published_at DESC, id"
	if f.LeastSure {
		order = "confidence ASC, published_at DESC, id"
	}
	// The snippet: the text's beginning, or around the phrase searched for.
	snippet := "substringUTF8(text, 1, 280)"
	if f.Phrase != "" {
		snippet = "substringUTF8(text, greatest(1, toInt64(positionCaseInsensitiveUTF8(text, {q:String})) - 100), 280)"
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, title, %s, outlet, url, kind, platform, published_at,
    toString(label), %s AS confidence, %s, evidence, regions, issue_id, label_source, labeled_by, labeled_at
FROM %s.mentions FINAL
WHERE %s
ORDER BY %s
LIMIT %d`, snippet, confidenceExpr, modelLabelExpr, db, strings.Join(where, " AND ")+f.Media.where(params), order, f.Limit), params)
	if err != nil {
		return nil, fmt.Errorf("articles: %w", err)
	}
	out := make([]Article, len(res.Rows))
	for i := range out {
		a := &out[i]
		if err := res.Scan(i, &a.ID, &a.Title, &a.Snippet, &a.Outlet, &a.URL, &a.Kind, &a.Platform, &a.Published, &a.Label,
			&a.Confidence, &a.ModelLabel, &a.Evidence, &a.Regions, &a.IssueID, &a.LabelSource, &a.LabeledBy, &a.LabeledAt); err != nil {
			return nil, fmt.Errorf("articles: %w", err)
		}
		if a.Kind == "" {
			a.Kind = "berita"
		}
		if a.LabelSource != LabelSourceHuman {
			a.LabeledAt = time.Time{}
		}
	}
	return out, nil
}

// FilterChoices are the values the web app's filters offer.
type FilterChoices struct {
	Regions []string
	OPDs    []string
	Outlets []string
}

// RegionNames lists the names of regions_ref (kabupaten/kota, the
// province, the IKN authority), sorted.
func RegionNames(ctx context.Context, b Backend) ([]string, error) {
	res, err := b.Query(ctx, fmt.Sprintf("SELECT name FROM %s.regions_ref ORDER BY name", b.Database()), nil)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	names := make([]string, len(res.Rows))
	for i := range names {
		if err := res.Scan(i, &names[i]); err != nil {
			return nil, fmt.Errorf("regions: %w", err)
		}
	}
	return names, nil
}

// Choices lists the regions of regions_ref and the offices and outlets
// named in [since, until).
func Choices(ctx context.Context, b Backend, since, until time.Time) (FilterChoices, error) {
	var c FilterChoices
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT name FROM %s.regions_ref
ORDER BY kind = 'provinsi' DESC, kind = 'otorita', name`, db), nil)
	if err != nil {
		return c, fmt.Errorf("regions: %w", err)
	}
	c.Regions = make([]string, len(res.Rows))
	for i := range c.Regions {
		if err := res.Scan(i, &c.Regions[i]); err != nil {
			return c, fmt.Errorf("regions: %w", err)
		}
	}
	params := map[string]string{"since": dt(since), "until": dt(until)}
	res, err = b.Query(ctx, fmt.Sprintf(`SELECT groupUniqArrayArray(opds), groupUniqArray(outlet)
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}`+FinalByPartition, db), params)
	if err != nil {
		return c, fmt.Errorf("offices and outlets: %w", err)
	}
	if err := res.One(&c.OPDs, &c.Outlets); err != nil {
		return c, fmt.Errorf("offices and outlets: %w", err)
	}
	sortedStrings(c.OPDs)
	sortedStrings(c.Outlets)
	return c, nil
}

func sortedStrings(s []string) []string {
	slices.SortFunc(s, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return s
}
