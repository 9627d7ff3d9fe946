package issuemap

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"

	"github.com/diskominfo-kaltim/pantau/issuemap/kaltimfeed"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// bcubed scores a clustering against the stories: precision and recall
// of each item (the share of its issue in its story, of its story in its
// issue) averaged over the items selected by only, with whole issues and
// stories counted.
func bcubed(story, issue []string, only func(i int) bool) (p, r, f float64) {
	c := bcubedSum(story, issue, only)
	p, r = c.p/c.n, c.r/c.n
	return p, r, c.f1()
}

// baseline is the clusterer before issue #13: each article joins the
// issue whose centroid of tagger.Terms is closest by cosine (at least
// 0.3), among issues seen within 7 days.
func baseline(feed []kaltimfeed.Item) []string {
	type issue struct {
		id          string
		terms       map[string]float64
		first, last time.Time
	}
	var issues []*issue
	out := make([]string, len(feed))
	for k, it := range feed {
		v := tagger.Terms(it.Title, it.Text)
		var best *issue
		bestSim := 0.3
		for _, is := range issues {
			if it.PublishedAt.Sub(is.last) > 7*24*time.Hour {
				continue
			}
			var dot, na, nb float64
			for t, x := range v {
				na += x * x
				dot += x * is.terms[t]
			}
			for _, y := range is.terms {
				nb += y * y
			}
			if s := dot / math.Sqrt(na*nb); s >= bestSim {
				best, bestSim = is, s
			}
		}
		if best == nil {
			best = &issue{id: fmt.Sprint(k), terms: map[string]float64{}, first: it.PublishedAt}
			issues = append(issues, best)
		}
		for t, x := range v {
			best.terms[t] += x
		}
		best.terms = topN(best.terms, 60)
		best.last = it.PublishedAt
		out[k] = best.id
	}
	return out
}

// clusterFeed runs the index over the feed with params p.
func clusterFeed(t testing.TB, feed []kaltimfeed.Item, tags []tagger.Tags, p Params) []string {
	ix := newIndex(p)
	out := make([]string, len(feed))
	for k := range feed {
		is, _ := ix.assign(newDoc(&feed[k].Article, tags[k].Regions, tags[k].OPDs), func() string { return fmt.Sprint("isu-", k) })
		out[k] = is.ID
		ix.prune()
	}
	return out
}

func evalFeed(t testing.TB) ([]kaltimfeed.Item, []tagger.Tags, []string) {
	feed, err := kaltimfeed.Feed()
	if err != nil {
		t.Fatal(err)
	}
	tg, err := tagger.New()
	if err != nil {
		t.Fatal(err)
	}
	tags := make([]tagger.Tags, len(feed))
	stories := make([]string, len(feed))
	for k, it := range feed {
		tags[k] = tg.TagIn(it.Title, it.Text, it.Region)
		stories[k] = it.Gold.Story
	}
	return feed, tags, stories
}

// denseFeed serves every group of example stories in the same fortnight,
// in publication order: about twice as many stories run at once as in
// Feed's fortnights (more floods, fuel queues and festivals at the same
// time in the same kabupaten), as in a real fortnight of Kaltim news.
func denseFeed(feed []kaltimfeed.Item, tags []tagger.Tags, stories []string) ([]kaltimfeed.Item, []tagger.Tags, []string) {
	idx := make([]int, len(feed))
	f := make([]kaltimfeed.Item, len(feed))
	for k := range feed {
		idx[k] = k
		f[k] = feed[k]
		g := int(kaltimfeed.Group(stories[k])[0] - 'A')
		f[k].PublishedAt = f[k].PublishedAt.Add(-time.Duration(g*35) * 24 * time.Hour)
	}
	slices.SortStableFunc(idx, func(a, b int) int { return f[a].PublishedAt.Compare(f[b].PublishedAt) })
	of, ot, os := make([]kaltimfeed.Item, len(feed)), make([]tagger.Tags, len(feed)), make([]string, len(feed))
	for i, k := range idx {
		of[i], ot[i], os[i] = f[k], tags[k], stories[k]
	}
	return of, ot, os
}

// TestClusteringQuality scores issue clustering against the stories of
// the Kaltim example items, on the tuning stories and on the held-out
// ones, next to the clusterer it replaced. It prints the figures; the
// floor it asserts is far below them, to catch a broken clusterer.
func TestClusteringQuality(t *testing.T) {
	feed, tags, stories := evalFeed(t)
	held := func(k int) bool { return kaltimfeed.HeldOut(stories[k]) }
	tune := func(k int) bool { return !held(k) }
	report := func(name string, got []string) float64 {
		p1, r1, f1 := bcubed(stories, got, tune)
		p2, r2, f2 := bcubed(stories, got, held)
		n := map[string]bool{}
		for _, id := range got {
			n[id] = true
		}
		t.Logf("%-10s tuning P %.3f R %.3f F1 %.3f | held-out P %.3f R %.3f F1 %.3f | %d issues for %d items",
			name, p1, r1, f1, p2, r2, f2, len(n), len(got))
		return f2
	}
	report("baseline", baseline(feed))
	if f := report("issuemap", clusterFeed(t, feed, tags, DefaultParams)); f < 0.7 {
		t.Errorf("held-out B-cubed F1 %.3f", f)
	}
	{
		feed, tags, stories := denseFeed(feed, tags, stories)
		held := func(k int) bool { return kaltimfeed.HeldOut(stories[k]) }
		for _, c := range []struct {
			name string
			got  []string
		}{{"baseline", baseline(feed)}, {"issuemap", clusterFeed(t, feed, tags, DefaultParams)}} {
			p1, r1, f1 := bcubed(stories, c.got, func(k int) bool { return !held(k) })
			p2, r2, f2 := bcubed(stories, c.got, held)
			t.Logf("%-10s all stories in one fortnight: tuning P %.3f R %.3f F1 %.3f | held-out P %.3f R %.3f F1 %.3f", c.name, p1, r1, f1, p2, r2, f2)
		}
		var hf []kaltimfeed.Item
		var ht []tagger.Tags
		var hs []string
		for k := range feed {
			if held(k) {
				hf, ht, hs = append(hf, feed[k]), append(ht, tags[k]), append(hs, stories[k])
			}
		}
		for _, c := range []struct {
			name string
			got  []string
		}{{"baseline", baseline(hf)}, {"issuemap", clusterFeed(t, hf, ht, DefaultParams)}} {
			p, r, f := bcubed(hs, c.got, func(int) bool { return true })
			t.Logf("%-10s held-out stories alone in one fortnight (%d items): P %.3f R %.3f F1 %.3f", c.name, len(hf), p, r, f)
		}
	}

	// National news carried by Kaltim outlets, about five a day over four
	// outlets, each its own story: they must neither join Kaltim issues
	// nor change how the Kaltim stories cluster.
	mixed, mtags, mst, err := withNational(feed, tags, stories)
	if err != nil {
		t.Fatal(err)
	}
	got := clusterFeed(t, mixed, mtags, DefaultParams)
	national := func(k int) bool { return strings.HasPrefix(mst[k], "nasional/") }
	_, _, f := bcubed(mst, got, func(k int) bool { return !national(k) && kaltimfeed.HeldOut(mst[k]) })
	kaltimIssue := map[string]bool{}
	for k := range mixed {
		if !national(k) {
			kaltimIssue[got[k]] = true
		}
	}
	n, joined := 0, 0
	for k := range mixed {
		if national(k) {
			n++
			if kaltimIssue[got[k]] {
				joined++
			}
		}
	}
	p, r, fn := bcubed(mst, got, national)
	t.Logf("with %d national items mixed in: held-out Kaltim B-cubed F1 %.3f; national items P %.3f R %.3f F1 %.3f, %d in an issue with Kaltim items",
		n, f, p, r, fn, joined)
	if joined*20 > n {
		t.Errorf("%d of %d national items joined Kaltim issues", joined, n)
	}
}

// withNational returns the feed with national news items (labels.News4)
// after each day's Kaltim items, five a day from four national outlets,
// each item its own story, tagged with no outlet region.
func withNational(feed []kaltimfeed.Item, tags []tagger.Tags, stories []string) ([]kaltimfeed.Item, []tagger.Tags, []string, error) {
	n4, err := labels.News4()
	if err != nil {
		return nil, nil, nil, err
	}
	tg, err := tagger.New()
	if err != nil {
		return nil, nil, nil, err
	}
	var items []kaltimfeed.Item
	var mtags []tagger.Tags
	var mst []string
	next := 0
	for k := range feed {
		items, mtags, mst = append(items, feed[k]), append(mtags, tags[k]), append(mst, stories[k])
		if k+1 < len(feed) && feed[k+1].PublishedAt.Sub(feed[k].PublishedAt) < 20*time.Hour {
			continue // not the day's last item
		}
		for j := range 5 {
			it := n4[next*7%len(n4)]
			next++
			a := news.Article{ID: news.IDFor("nasional/" + it.ID), URL: "https://contoh.pantau.id/nasional/" + it.ID,
				Outlet: fmt.Sprint("Kabar Nasional ", j%4+1), Title: it.Title, Text: it.Text, Language: "id", Kind: news.KindBerita,
				PublishedAt: feed[k].PublishedAt.Add(time.Duration(j+1) * time.Minute)}
			items = append(items, kaltimfeed.Item{Article: a, Gold: it})
			mtags = append(mtags, tg.TagIn(a.Title, a.Text, ""))
			mst = append(mst, "nasional/"+it.ID)
		}
	}
	return items, mtags, mst, nil
}
