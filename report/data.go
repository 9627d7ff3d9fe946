// Package report builds the daily sentiment report for the Kadis Kominfo:
// it gathers one day's figures (WITA) from the store, draws the charts,
// renders HTML, plain text and PDF, and sends it by e-mail at most once a
// day. It must not crawl or classify.
package report

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// WITA is the report's time zone (news.WITA).
var WITA = news.WITA

// ErrNoData is returned for a day without any mention: such a day gets no
// e-mail that could pass for a quiet day.
var ErrNoData = errors.New("tidak ada pemberitaan tersimpan untuk tanggal ini")

// Labels in report order.
var Labels = [4]string{"positif", "netral", "berpotensi negatif", "negatif"}

// DayCounts is one day's mentions per class.
type DayCounts struct {
	Day    time.Time
	Counts [4]int
}

// Count is a name with a number.
type Count struct {
	Name  string
	Count int
	Neg   int
}

// IssueItem is an issue needing attention, with its recommendation.
type IssueItem struct {
	store.IssueSummary
	Rec      issuemap.Recommendation
	Articles []store.MentionRow
}

// Data is everything the report shows.
type Data struct {
	Date      time.Time // 00:00 WITA of the reported day
	Generated time.Time
	Counts    [4]int
	Prev      [4]int
	Avg7      [4]float64
	Series    []DayCounts // 14 days up to Date
	Urgent    []IssueItem
	Positive  []store.MentionRow
	Regions   []Count
	Outlets   []Count
}

// Total is the day's number of mentions.
func (d *Data) Total() int { return d.Counts[0] + d.Counts[1] + d.Counts[2] + d.Counts[3] }

// Gather reads the report of day (any time on that day, WITA).
func Gather(ctx context.Context, b store.Backend, rules issuemap.Rules, day time.Time, now time.Time) (*Data, error) {
	y, m, dd := day.In(WITA).Date()
	start := time.Date(y, m, dd, 0, 0, 0, 0, WITA)
	end := start.AddDate(0, 0, 1)
	d := &Data{Date: start, Generated: now}
	db := b.Database()
	p := map[string]string{"from": start.AddDate(0, 0, -13).UTC().Format(time.DateTime), "to": end.UTC().Format(time.DateTime)}
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT toString(toDate(published_at, 'Asia/Makassar')) AS day,
    countIf(label = 'positif'), countIf(label = 'netral'), countIf(label = 'berpotensi negatif'), countIf(label = 'negatif')
FROM %s.mentions FINAL
WHERE published_at >= {from:DateTime('UTC')} AND published_at < {to:DateTime('UTC')}
GROUP BY day ORDER BY day`, db), p)
	if err != nil {
		return nil, fmt.Errorf("daily counts: %w", err)
	}
	byDay := map[string][4]int{}
	for _, r := range res.Rows {
		var c [4]int
		for i := range c {
			c[i], _ = strconv.Atoi(r[1+i])
		}
		byDay[r[0]] = c
	}
	for i := 13; i >= 0; i-- {
		day := start.AddDate(0, 0, -i)
		d.Series = append(d.Series, DayCounts{Day: day, Counts: byDay[day.Format("2006-01-02")]})
	}
	d.Counts = d.Series[13].Counts
	if d.Total() == 0 {
		return nil, fmt.Errorf("%s: %w", start.Format("2006-01-02"), ErrNoData)
	}
	d.Prev = d.Series[12].Counts
	for _, s := range d.Series[6:13] {
		for i := range d.Avg7 {
			d.Avg7[i] += float64(s.Counts[i]) / 7
		}
	}

	issues, err := store.Issues(ctx, b, store.IssueFilter{Since: start, Until: end, Limit: 40})
	if err != nil {
		return nil, err
	}
	for _, is := range issues {
		if is.ByLabel[2]+is.ByLabel[3] == 0 {
			continue
		}
		rec := rules.Recommend(is)
		d.Urgent = append(d.Urgent, IssueItem{IssueSummary: is, Rec: rec})
	}
	// Most urgent first: urgency, then spike, then negative volume.
	rank := map[string]int{"tinggi": 0, "sedang": 1, "rendah": 2}
	sort.SliceStable(d.Urgent, func(i, j int) bool {
		a, b := d.Urgent[i], d.Urgent[j]
		if rank[a.Rec.Urgency] != rank[b.Rec.Urgency] {
			return rank[a.Rec.Urgency] < rank[b.Rec.Urgency]
		}
		if a.Spike != b.Spike {
			return a.Spike
		}
		return a.ByLabel[2]+a.ByLabel[3] > b.ByLabel[2]+b.ByLabel[3]
	})
	if len(d.Urgent) > 5 {
		d.Urgent = d.Urgent[:5]
	}
	for i := range d.Urgent {
		arts, err := store.IssueMentions(ctx, b, d.Urgent[i].ID, 3)
		if err != nil {
			return nil, err
		}
		d.Urgent[i].Articles = arts
	}
	d.Positive, err = positive(ctx, b, start, end)
	if err != nil {
		return nil, err
	}
	if d.Regions, err = counts(ctx, b, "arrayJoin(if(empty(regions), ['(tanpa wilayah)'], regions))", start, end, 10); err != nil {
		return nil, err
	}
	if d.Outlets, err = counts(ctx, b, "outlet", start, end, 10); err != nil {
		return nil, err
	}
	return d, nil
}

// positive picks the day's positive stories to amplify: most confident
// first, one per story.
func positive(ctx context.Context, b store.Backend, start, end time.Time) ([]store.MentionRow, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT id, title, outlet, url, published_at
FROM %s.mentions FINAL
WHERE published_at >= {from:DateTime('UTC')} AND published_at < {to:DateTime('UTC')} AND label = 'positif'
ORDER BY score_positif DESC, id
LIMIT 1 BY story_id
LIMIT 5`, b.Database()), map[string]string{"from": start.UTC().Format(time.DateTime), "to": end.UTC().Format(time.DateTime)})
	if err != nil {
		return nil, fmt.Errorf("positive stories: %w", err)
	}
	var out []store.MentionRow
	for _, r := range res.Rows {
		m := store.MentionRow{ID: r[0], Title: r[1], Outlet: r[2], URL: r[3], Label: "positif"}
		m.Published, _ = time.ParseInLocation(time.DateTime, r[4], time.UTC)
		out = append(out, m)
	}
	return out, nil
}

func counts(ctx context.Context, b store.Backend, expr string, start, end time.Time, n int) ([]Count, error) {
	res, err := b.Query(ctx, fmt.Sprintf(`SELECT %s AS k, count() AS c, countIf(label IN ('negatif', 'berpotensi negatif'))
FROM %s.mentions FINAL
WHERE published_at >= {from:DateTime('UTC')} AND published_at < {to:DateTime('UTC')}
GROUP BY k ORDER BY c DESC, k LIMIT %d`, expr, b.Database(), n),
		map[string]string{"from": start.UTC().Format(time.DateTime), "to": end.UTC().Format(time.DateTime)})
	if err != nil {
		return nil, err
	}
	out := make([]Count, 0, len(res.Rows))
	for _, r := range res.Rows {
		c := Count{Name: r[0]}
		c.Count, _ = strconv.Atoi(r[1])
		c.Neg, _ = strconv.Atoi(r[2])
		out = append(out, c)
	}
	return out, nil
}
