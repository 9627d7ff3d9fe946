package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The daily report's queries and its record of sent reports. The figures
// read mention_facts with FinalByPartition (a day reads its month only);
// article details come from mentions by primary key.

// DailyCounts returns the mentions per day (WITA, YYYY-MM-DD) and class
// published in [since, until).
func DailyCounts(ctx context.Context, b Backend, since, until time.Time) (map[string][4]int, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT toString(toDate(published_at, 'Asia/Makassar')) AS day,
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif')
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
GROUP BY day ORDER BY day`+FinalByPartition, b.Database()), map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("daily counts: %w", err)
	}
	out := make(map[string][4]int, len(res.Rows))
	for i := range res.Rows {
		var day string
		var c [4]int
		if err := res.Scan(i, &day, &c[0], &c[1], &c[2], &c[3]); err != nil {
			return nil, fmt.Errorf("daily counts: %w", err)
		}
		out[day] = c
	}
	return out, nil
}

// FirstPublished returns when the earliest mention published before until
// was published; zero when there is none. The report leaves the days
// before it out of its chart: they are days before anything was stored,
// not quiet days.
func FirstPublished(ctx context.Context, b Backend, until time.Time) (time.Time, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT count(), min(published_at)
FROM %s.mention_facts WHERE published_at < {until:DateTime('UTC')}`, b.Database()), map[string]string{"until": dt(until)})
	if err != nil {
		return time.Time{}, fmt.Errorf("first mention: %w", err)
	}
	var n int
	var first time.Time
	if err := res.One(&n, &first); err != nil {
		return time.Time{}, fmt.Errorf("first mention: %w", err)
	}
	if n == 0 {
		return time.Time{}, nil
	}
	return first, nil
}

// KindCounts returns the mentions of [since, until) per item kind
// (news.KindBerita, KindRilis, KindSosmed) and class.
func KindCounts(ctx context.Context, b Backend, since, until time.Time) (map[string][4]int, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT toString(kind) AS k,
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif')
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
GROUP BY k ORDER BY k`+FinalByPartition, b.Database()), map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("counts by kind: %w", err)
	}
	out := make(map[string][4]int, len(res.Rows))
	for i := range res.Rows {
		var kind string
		var c [4]int
		if err := res.Scan(i, &kind, &c[0], &c[1], &c[2], &c[3]); err != nil {
			return nil, fmt.Errorf("counts by kind: %w", err)
		}
		out[kind] = c
	}
	return out, nil
}

// TopPositive returns the positive stories of [since, until) to amplify:
// most confident first, one article per story, n at most; each with its
// kind, platform, confidence and who set its label.
func TopPositive(ctx context.Context, b Backend, since, until time.Time, n int) ([]Article, error) {
	db := b.Database()
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, title, outlet, url, kind, platform, published_at, toString(label), `+confidenceExpr+`,
    regions, issue_id, label_source, labeled_by
FROM %[1]s.mentions FINAL
WHERE id IN (SELECT id FROM %[1]s.mention_facts FINAL
    WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')} AND label = 'positif'`+FinalByPartition+`)
  AND published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')} AND label = 'positif'
ORDER BY score_positif DESC, id
LIMIT 1 BY story_id
LIMIT %[2]d`, db, n), map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("positive stories: %w", err)
	}
	out := make([]Article, len(res.Rows))
	for i := range out {
		a := &out[i]
		if err := res.Scan(i, &a.ID, &a.Title, &a.Outlet, &a.URL, &a.Kind, &a.Platform, &a.Published, &a.Label, &a.Confidence,
			&a.Regions, &a.IssueID, &a.LabelSource, &a.LabeledBy); err != nil {
			return nil, fmt.Errorf("positive stories: %w", err)
		}
		if a.Kind == "" {
			a.Kind = "berita"
		}
	}
	return out, nil
}

// NameCount is a name with its mentions and how many of them were
// negatif or berpotensi negatif.
type NameCount struct {
	Name  string
	Count int
	Neg   int
}

// Coverage counts the mentions of [since, until) per region or outlet
// (by "region" or "outlet"), most first, n at most. Mentions without a
// region count under NoRegion.
func Coverage(ctx context.Context, b Backend, by string, since, until time.Time, n int) ([]NameCount, error) {
	expr, ok := dimensionExpr[by]
	if !ok || (by != "region" && by != "outlet") {
		return nil, fmt.Errorf("unknown coverage dimension %q (region, outlet)", by)
	}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s AS k, count() AS c, countIf(label IN ('negatif', 'berpotensi negatif'))
FROM %s.mention_facts FINAL
WHERE published_at >= {since:DateTime('UTC')} AND published_at < {until:DateTime('UTC')}
GROUP BY k ORDER BY c DESC, k LIMIT %d`+FinalByPartition, expr, b.Database(), n),
		map[string]string{"since": dt(since), "until": dt(until)})
	if err != nil {
		return nil, fmt.Errorf("coverage by %s: %w", by, err)
	}
	out := make([]NameCount, len(res.Rows))
	for i := range res.Rows {
		c := &out[i]
		if err := res.Scan(i, &c.Name, &c.Count, &c.Neg); err != nil {
			return nil, fmt.Errorf("coverage by %s: %w", by, err)
		}
	}
	return out, nil
}

// ReportRecord is one attempt to send a day's report.
type ReportRecord struct {
	Date       string // YYYY-MM-DD, the reported day in WITA
	Recipients []string
	MessageID  string
	Status     string // terkirim or gagal
	Instance   string
	At         time.Time
	Error      string
}

// RecordReport stores an attempt to send a report (SQL that ClickHouse
// 18.16 also runs).
func RecordReport(ctx context.Context, b Backend, r ReportRecord) error {
	return b.Exec(ctx, fmt.Sprintf(`INSERT INTO %s.reports_sent (report_date, recipients, message_id, status, instance, sent_at, error)
SELECT toDate(%s), %s, %s, %s, %s, toDateTime(%s, 'UTC'), %s`, b.Database(), Quote(r.Date), Quote(strings.Join(r.Recipients, ",")),
		Quote(r.MessageID), Quote(r.Status), Quote(r.Instance), Quote(dt(r.At)), Quote(r.Error)))
}

// ReportSent reports whether the report of date (YYYY-MM-DD) went out.
func ReportSent(ctx context.Context, b Backend, date string) (bool, error) {
	res, err := b.Query(ctx, fmt.Sprintf("SELECT count() FROM %s.reports_sent WHERE report_date = toDate(%s) AND status = 'terkirim'",
		b.Database(), Quote(date)), nil)
	if err != nil {
		return false, fmt.Errorf("checking sent reports: %w", err)
	}
	var n int
	if err := res.One(&n); err != nil {
		return false, fmt.Errorf("checking sent reports: %w", err)
	}
	return n > 0, nil
}

// CountMentions returns how many distinct articles mentions holds.
func CountMentions(ctx context.Context, b Backend) (int64, error) {
	res, err := b.Query(ctx, "SELECT count() FROM "+b.Database()+".mentions FINAL", nil)
	if err != nil {
		return 0, fmt.Errorf("counting mentions: %w", err)
	}
	var n int64
	if err := res.One(&n); err != nil {
		return 0, fmt.Errorf("counting mentions: %w", err)
	}
	return n, nil
}
