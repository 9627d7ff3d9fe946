package issuemap

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/diskominfo-kaltim/pantau/issuemap/kaltimfeed"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// pairs replays the tuning stories' items in feed order, each story its
// own issue, and returns the features of every (article, candidate
// issue) pair the index offers, labelled by whether the issue is the
// article's story.
func pairs(t testing.TB, p Params) ([][numFeatures]float64, []float64) {
	feed, tags, stories := evalFeed(t)
	ix := newIndex(p)
	var x [][numFeatures]float64
	var y []float64
	for k := range feed {
		if kaltimfeed.HeldOut(stories[k]) {
			continue
		}
		d := newDoc(&feed[k].Article, tags[k].Regions, tags[k].OPDs)
		ix.weigh(d)
		for _, is := range ix.candidates(d) {
			x = append(x, ix.features(d, is))
			y = append(y, map[bool]float64{true: 1}[is.ID == stories[k]])
		}
		is := ix.issues[stories[k]]
		if is == nil {
			is = &Issue{ID: stories[k], FirstSeen: d.at, LastSeen: d.at}
		}
		ix.add(is, d)
		ix.count(d)
		ix.prune()
	}
	return x, y
}

// fit is L2-regularised logistic regression by gradient descent.
func fit(x [][numFeatures]float64, y []float64) [numFeatures]float64 {
	var w [numFeatures]float64
	pos := 0.0
	for _, v := range y {
		pos += v
	}
	// Weigh positives as much as negatives in all.
	wp, wn := float64(len(y))/(2*pos), float64(len(y))/(2*(float64(len(y))-pos))
	rate := 0.5
	for it := 0; it < 3000; it++ {
		var g [numFeatures]float64
		for i := range x {
			z := 0.0
			for j := range w {
				z += w[j] * x[i][j]
			}
			e := 1/(1+math.Exp(-z)) - y[i]
			c := wn
			if y[i] == 1 {
				c = wp
			}
			for j := range w {
				g[j] += c * e * x[i][j]
			}
		}
		for j := range w {
			w[j] -= rate * (g[j]/float64(len(x)) + 1e-3*w[j]*float64(min(j, 1)))
		}
	}
	return w
}

// TestFitWeights fits the pair model on the tuning stories and picks the
// threshold that clusters them best; set PANTAU_TUNE=1 to run it. The
// printed figures are what DefaultParams holds.
func TestFitWeights(t *testing.T) {
	if os.Getenv("PANTAU_TUNE") == "" {
		t.Skip("set PANTAU_TUNE=1")
	}
	p := DefaultParams
	x, y := pairs(t, p)
	p.Weights = fit(x, y)
	t.Logf("%d pairs; weights %s", len(x), fmt.Sprintf("%.2f", p.Weights))
	feed, tags, stories := evalFeed(t)
	held := func(k int) bool { return kaltimfeed.HeldOut(stories[k]) }
	tune := func(k int) bool { return !held(k) }
	for _, th := range []float64{0.6, 0.7, 0.75, 0.8, 0.85, 0.9} {
		p.Threshold = th
		got := clusterFeed(t, feed, tags, p)
		p1, r1, f1 := bcubed(stories, got, tune)
		p2, r2, f2 := bcubed(stories, got, held)
		t.Logf("threshold %.2f: tuning P %.3f R %.3f F1 %.3f | held-out P %.3f R %.3f F1 %.3f", th, p1, r1, f1, p2, r2, f2)
	}
}

func onlinePairs(t testing.TB, feed []kaltimfeed.Item, tags []tagger.Tags, stories []string, p Params) ([][numFeatures]float64, []float64) {
	ix := newIndex(p)
	var x [][numFeatures]float64
	var y []float64
	in := map[string]map[string]int{} // issue → story → items
	for k := range feed {
		d := newDoc(&feed[k].Article, tags[k].Regions, tags[k].OPDs)
		ix.weigh(d)
		if !kaltimfeed.HeldOut(stories[k]) {
			right, n := "", 0
			for id, c := range in {
				if c[stories[k]] > n {
					right, n = id, c[stories[k]]
				}
			}
			for _, is := range ix.candidates(d) {
				x = append(x, ix.features(d, is))
				y = append(y, map[bool]float64{true: 1}[is.ID == right])
			}
		}
		ix.p.Threshold = p.Threshold
		is, _ := ix.place(d)
		if is == nil {
			is = &Issue{ID: fmt.Sprint("isu-", k), FirstSeen: d.at, LastSeen: d.at}
		}
		ix.add(is, d)
		ix.count(d)
		ix.prune()
		if in[is.ID] == nil {
			in[is.ID] = map[string]int{}
		}
		in[is.ID][stories[k]]++
	}
	return x, y
}
