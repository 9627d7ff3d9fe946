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

// Count is a name with its mentions and how many were negative.
type Count = store.NameCount

// IssueItem is an issue needing attention, with its recommendation.
type IssueItem struct {
	store.IssueSummary
	Rec      issuemap.Recommendation
	Articles []store.Article // its latest, up to the end of the day
}

// Data is everything the report shows.
type Data struct {
	Date      time.Time // 00:00 WITA of the reported day
	Generated time.Time
	Counts    [4]int
	Prev      [4]int      // the day before; meaningless without HasPrev
	HasPrev   bool        // whether anything was stored by the day before
	Avg7      [4]float64  // per day over the AvgDays days before Date
	AvgDays   int         // 7, or fewer where the store begins later
	Series    []DayCounts // the 14 days up to Date, from the first stored day (DataSince) when later
	// DataSince is the first day (00:00 WITA) with stored mentions where
	// it falls inside the 14 days; zero otherwise. The days before it are
	// left out of the chart and the averages: nothing was stored then,
	// which is not the same as a quiet day.
	DataSince time.Time
	Urgent    []IssueItem
	Positive  []store.Article
	Regions   []Count
	Outlets   []Count
	Kinds     []KindCounts // the day's mentions per kind of source, in news.Kinds order; those with none left out
}

// KindCounts is one kind of source's mentions per class: mass media
// (news.KindBerita), press releases (KindRilis) or social media (KindSosmed).
type KindCounts struct {
	Kind   string
	Counts [4]int
}

// Total is the day's number of mentions.
func (d *Data) Total() int { return d.Counts[0] + d.Counts[1] + d.Counts[2] + d.Counts[3] }

// Gather reads the report of day (any time on that day, WITA).
func Gather(ctx context.Context, b store.Backend, rules issuemap.Rules, day time.Time, now time.Time) (*Data, error) {
	y, m, dd := day.In(WITA).Date()
	start := time.Date(y, m, dd, 0, 0, 0, 0, WITA)
	end := start.AddDate(0, 0, 1)
	d := &Data{Date: start, Generated: now}
	from := start.AddDate(0, 0, -13)
	first, err := store.FirstPublished(ctx, b, end)
	if err != nil {
		return nil, err
	}
	if y, m, dd := first.In(WITA).Date(); !first.IsZero() && time.Date(y, m, dd, 0, 0, 0, 0, WITA).After(from) {
		from = time.Date(y, m, dd, 0, 0, 0, 0, WITA)
		d.DataSince = from
	}
	if from.After(start) {
		return nil, fmt.Errorf("%s: %w", start.Format("2006-01-02"), ErrNoData)
	}
	byDay, err := store.DailyCounts(ctx, b, from, end)
	if err != nil {
		return nil, err
	}
	for day := from; !day.After(start); day = day.AddDate(0, 0, 1) {
		d.Series = append(d.Series, DayCounts{Day: day, Counts: byDay[day.Format("2006-01-02")]})
	}
	n := len(d.Series)
	d.Counts = d.Series[n-1].Counts
	if d.Total() == 0 {
		return nil, fmt.Errorf("%s: %w", start.Format("2006-01-02"), ErrNoData)
	}
	if n > 1 {
		d.Prev, d.HasPrev = d.Series[n-2].Counts, true
	}
	week := d.Series[max(n-8, 0) : n-1]
	d.AvgDays = len(week)
	for _, s := range week {
		for i := range d.Avg7 {
			d.Avg7[i] += float64(s.Counts[i]) / float64(len(week))
		}
	}

	issues, err := issuemap.Issues(ctx, b, store.IssueFilter{Since: start, Until: end, Limit: 40})
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
		arts, err := store.Articles(ctx, b, store.ArticleFilter{IssueID: d.Urgent[i].ID, Since: time.Unix(0, 0), Until: end, Limit: 3})
		if err != nil {
			return nil, err
		}
		d.Urgent[i].Articles = arts
	}
	// The day's positive stories to amplify: most confident first, one per
	// story.
	if d.Positive, err = store.TopPositive(ctx, b, start, end, 5); err != nil {
		return nil, err
	}
	if d.Regions, err = store.Coverage(ctx, b, "region", start, end, 10); err != nil {
		return nil, err
	}
	if d.Outlets, err = store.Coverage(ctx, b, "outlet", start, end, 10); err != nil {
		return nil, err
	}
	byKind, err := store.KindCounts(ctx, b, start, end)
	if err != nil {
		return nil, err
	}
	for _, k := range news.Kinds {
		if c := byKind[k]; c != [4]int{} {
			d.Kinds = append(d.Kinds, KindCounts{Kind: k, Counts: c})
		}
	}
	return d, nil
}
