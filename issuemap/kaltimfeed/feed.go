// Package kaltimfeed serves the Kaltim example items (labels.Kaltim) as
// crawled articles, the way a fortnight of crawling delivers them, for the
// issue-mapping and tagging evaluations; and splits them by story into a
// tuning and a held-out part. It is for tests and evaluations only: it
// must not be imported by the pipeline.
package kaltimfeed

import (
	"cmp"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Item is one example item as an article, with its gold labels.
type Item struct {
	news.Article
	Gold labels.Item
}

// Base is the first day of the first fortnight.
var Base = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// Group is the fortnight a story belongs to: the letter before its dash
// ("A-S01" → "A"). The example stories come in groups written
// independently, and the groups retell the same events (A-S01, B-S01 and
// E-S01 are one flood in Samarinda written three ways), so each group is
// served as its own fortnight, five weeks after the previous one.
func Group(story string) string {
	g, _, _ := strings.Cut(story, "-")
	return g
}

// HeldOut reports whether a story is in the held-out part (about 40% of
// the stories, chosen by a hash of the story id): rules and thresholds
// are tuned on the others and scores reported on these.
func HeldOut(story string) bool {
	h := fnv.New32a()
	h.Write([]byte(story))
	return h.Sum32()%5 < 2
}

// Feed returns every Kaltim example item as an article, in the order a
// crawler delivers them: fortnight by fortnight, day by day, and within
// a day outlet by outlet (each outlet's items together, as one feed poll
// brings them), at times spread over the day. An outlet's region is what
// a sources file would say (OutletRegions).
func Feed() ([]Item, error) {
	items, err := labels.Kaltim()
	if err != nil {
		return nil, err
	}
	home := OutletRegions(items)
	groups := map[string]int{}
	for _, it := range items {
		if _, ok := groups[Group(it.Story)]; !ok {
			groups[Group(it.Story)] = len(groups)
		}
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		x, y := items[a], items[b]
		return cmp.Or(cmp.Compare(groups[Group(x.Story)], groups[Group(y.Story)]), cmp.Compare(x.Day, y.Day),
			cmp.Compare(x.Outlet, y.Outlet))
	})
	out := make([]Item, 0, len(items))
	slot := 0
	prevDay, prevOutlet := -1, ""
	for _, i := range order {
		it := items[i]
		day := groups[Group(it.Story)]*35 + it.Day - 1
		if day != prevDay {
			slot = 0
		} else if it.Outlet != prevOutlet {
			slot++
		}
		prevDay, prevOutlet = day, it.Outlet
		at := Base.Add(time.Duration(day)*24*time.Hour - 8*time.Hour + time.Duration(60+slot*13%900)*time.Minute)
		out = append(out, Item{Gold: it, Article: news.Article{
			ID: news.IDFor("kaltim-synth/" + it.ID), URL: "https://contoh.pantau.id/" + it.ID, Outlet: it.Outlet,
			Region: home[it.Outlet], Title: it.Title, Text: it.Text, Language: "id", Kind: it.Kind,
			Platform: platform(it.Outlet), PublishedAt: at, FetchedAt: at.Add(10 * time.Minute),
		}})
	}
	return out, nil
}

// OutletRegions returns each outlet's region as an analyst would set it
// in the sources file, knowing what the outlet covers: the kabupaten/kota
// of at least 80% of its items (a local outlet), else the province for an
// outlet with any Kaltim item; outlets that carry only stories from
// elsewhere get none. It reads the outlets' coverage as a whole, never
// one item's region.
func OutletRegions(items []labels.Item) map[string]string {
	count := map[string]map[string]int{}
	total := map[string]int{}
	for _, it := range items {
		if count[it.Outlet] == nil {
			count[it.Outlet] = map[string]int{}
		}
		count[it.Outlet][it.Region]++
		total[it.Outlet]++
	}
	out := map[string]string{}
	for o, c := range count {
		best, n, kaltim := "", 0, 0
		for r, k := range c {
			if r != "" {
				kaltim += k
			}
			if r != "" && (k > n || k == n && r < best) {
				best, n = r, k
			}
		}
		switch {
		case n*5 >= total[o]*4:
			out[o] = best
		case kaltim > 0:
			out[o] = "Kalimantan Timur"
		}
	}
	return out
}

// platform reads the social platform from an example outlet's name
// ("Facebook: Info Samarinda Kota").
func platform(outlet string) string {
	name, _, ok := strings.Cut(outlet, ":")
	if !ok {
		return ""
	}
	switch p := strings.ToLower(name); p {
	case "facebook", "instagram", "tiktok", "x", "youtube", "telegram":
		return p
	}
	return ""
}
