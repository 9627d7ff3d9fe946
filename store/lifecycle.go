package store

import (
	"context"
	"fmt"
	"time"
)

// The queries issue judgement reads (issuemap: spike, lifecycle,
// recommendation; alert: what changed): an issue's days, the platforms
// its social items came from, its articles with what a recommendation
// draws on, and the issues that got new mentions.

// IssueDay is one day (WITA) of an issue: its mentions per class and per
// kind of item.
type IssueDay struct {
	Day     string `json:"day"`      // YYYY-MM-DD in WITA
	ByLabel [4]int `json:"by_label"` // positif, netral, berpotensi negatif, negatif
	ByKind  [3]int `json:"by_kind"`  // berita, rilis, sosmed
}

// IssueDays returns each issue's days with mentions between since and
// until, oldest first.
func IssueDays(ctx context.Context, b Backend, ids []string, since, until time.Time) (map[string][]IssueDay, error) {
	out := map[string][]IssueDay{}
	if len(ids) == 0 {
		return out, nil
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT issue_id, toString(toDate(published_at, 'Asia/Makassar')) AS day,
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif'),
    countIf(kind NOT IN ('rilis', 'sosmed')), countIf(kind = 'rilis'), countIf(kind = 'sosmed')
FROM %s.mention_facts FINAL
WHERE issue_id IN {ids:Array(String)} AND published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
GROUP BY issue_id, day ORDER BY issue_id, day`+FinalByPartition, b.Database()),
		map[string]string{"ids": arrayParam(ids), "since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("issue days: %w", err)
	}
	for i := range res.Rows {
		var id string
		var d IssueDay
		if err := res.Scan(i, &id, &d.Day, &d.ByLabel[0], &d.ByLabel[1], &d.ByLabel[2], &d.ByLabel[3],
			&d.ByKind[0], &d.ByKind[1], &d.ByKind[2]); err != nil {
			return nil, fmt.Errorf("issue days: %w", err)
		}
		out[id] = append(out[id], d)
	}
	return out, nil
}

// IssuePlatforms returns, per issue, the platforms its social items came
// from between since and until, most items first.
func IssuePlatforms(ctx context.Context, b Backend, ids []string, since, until time.Time) (map[string][]string, error) {
	return IssueFilterPlatforms(ctx, b, ids, IssueFilter{Since: since, Until: until})
}

// IssueFilterPlatforms is IssuePlatforms over the mentions the filter
// counts (its period, region, office and media, as Issues counts them):
// where an issue spreads as an analyst who chose them sees it — under
// --platform youtube, YouTube alone.
func IssueFilterPlatforms(ctx context.Context, b Backend, ids []string, f IssueFilter) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	params := map[string]string{"ids": arrayParam(ids), "since": dt(f.Since), "until": dt(f.Until), "region": f.Region, "opd": f.OPD}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT issue_id, `+fmt.Sprintf(topOf, "groupArrayIf(platform, platform != '')", 4)+`
FROM %s.mention_facts FINAL
WHERE issue_id IN {ids:Array(String)} AND published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
  AND ({region:String} = '' OR has(regions, {region:String}))
  AND ({opd:String} = '' OR has(opds, {opd:String}))%s
GROUP BY issue_id`+FinalByPartition, b.Database(), f.Media.where(params)), params)
	if err != nil {
		return nil, fmt.Errorf("issue platforms: %w", err)
	}
	for i := range res.Rows {
		var id string
		var p []string
		if err := res.Scan(i, &id, &p); err != nil {
			return nil, fmt.Errorf("issue platforms: %w", err)
		}
		if len(p) > 0 {
			out[id] = p
		}
	}
	return out, nil
}

// IssueArticle is one of an issue's items with what a recommendation
// draws on: its lead and what kind of item it is.
type IssueArticle struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Lead      string    `json:"lead"` // the text's first 600 characters
	Outlet    string    `json:"outlet"`
	Label     string    `json:"label"`
	Kind      string    `json:"kind"`
	Platform  string    `json:"platform,omitempty"`
	URL       string    `json:"url"`
	Published time.Time `json:"published_at"`
}

// IssueArticles returns an issue's latest limit items, oldest first.
func IssueArticles(ctx context.Context, b Backend, issueID string, limit int) ([]IssueArticle, error) {
	if limit <= 0 {
		limit = 50
	}
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, title, substringUTF8(text, 1, 600), outlet, toString(label), kind, platform, url, published_at
FROM %[1]s.mentions FINAL
WHERE id IN (SELECT id FROM %[1]s.mention_facts FINAL WHERE issue_id = {id:String}
    ORDER BY published_at DESC LIMIT %[2]d`+FinalByPartition+`) AND issue_id = {id:String}
ORDER BY published_at, id`, db, limit), map[string]string{"id": issueID})
	if err != nil {
		return nil, fmt.Errorf("issue articles: %w", err)
	}
	out := make([]IssueArticle, len(res.Rows))
	for i := range res.Rows {
		a := &out[i]
		if err := res.Scan(i, &a.ID, &a.Title, &a.Lead, &a.Outlet, &a.Label, &a.Kind, &a.Platform, &a.URL, &a.Published); err != nil {
			return nil, fmt.Errorf("issue articles: %w", err)
		}
	}
	return out, nil
}

// IssuesStoredSince returns the issues that got mentions stored at or
// after since (by ingestion time), published within the last lookback.
func IssuesStoredSince(ctx context.Context, b Backend, since time.Time, lookback time.Duration) ([]string, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT DISTINCT issue_id
FROM %s.mention_facts
WHERE ingested_at >= {since:DateTime('UTC')} AND published_at >= {oldest:DateTime('UTC')} AND issue_id != ''
ORDER BY issue_id`, b.Database()), map[string]string{"since": dt(since), "oldest": dt(since.Add(-lookback))})
	if err != nil {
		return nil, fmt.Errorf("issues stored since %s: %w", dt(since), err)
	}
	out := make([]string, len(res.Rows))
	for i := range res.Rows {
		if err := res.Scan(i, &out[i]); err != nil {
			return nil, fmt.Errorf("issues stored since: %w", err)
		}
	}
	return out, nil
}

// IssueSpans returns each issue's first and last article as the issues
// table records them (the clusterer's view of its whole life, not one
// period's).
func IssueSpans(ctx context.Context, b Backend, ids []string) (map[string][2]time.Time, error) {
	out := map[string][2]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, min(first_seen), max(last_seen)
FROM %s.issues WHERE id IN {ids:Array(String)} GROUP BY id ORDER BY id`, b.Database()),
		map[string]string{"ids": arrayParam(ids)})
	if err != nil {
		return nil, fmt.Errorf("issue spans: %w", err)
	}
	for i := range res.Rows {
		var id string
		var first, last time.Time
		if err := res.Scan(i, &id, &first, &last); err != nil {
			return nil, fmt.Errorf("issue spans: %w", err)
		}
		out[id] = [2]time.Time{first, last}
	}
	return out, nil
}
