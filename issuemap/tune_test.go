package issuemap

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/issuemap/kaltimfeed"
	"github.com/diskominfo-kaltim/pantau/tagger"
)

// pairsOf replays the items keep selects in feed order, each story its
// own issue, and returns the features of every (article, candidate
// issue) pair the index offers, labelled by whether the issue is the
// article's story.
func pairsOf(feed []kaltimfeed.Item, tags []tagger.Tags, stories []string, p Params, keep func(k int) bool) ([][numFeatures]float64, []float64) {
	ix := newIndex(p)
	var x [][numFeatures]float64
	var y []float64
	for k := range feed {
		if !keep(k) {
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

// expand is a pair's features followed by their pairwise products
// (bias excluded), in the order fitScorer lays its weights out.
func expand(f [numFeatures]float64) []float64 {
	out := make([]float64, 0, numFeatures+numFeatures*(numFeatures-1)/2)
	out = append(out, f[:]...)
	for i := 1; i < numFeatures; i++ {
		for j := i; j < numFeatures; j++ {
			out = append(out, f[i]*f[j])
		}
	}
	return out
}

// fitScorer is L2-regularised logistic regression over the features and
// their pairwise products, positives weighed as much as negatives in all,
// by full-batch Adam (deterministic).
func fitScorer(x [][numFeatures]float64, y []float64, l2 float64) (w [numFeatures]float64, pairs [numFeatures][numFeatures]float64) {
	xs := make([][]float64, len(x))
	for i := range x {
		xs[i] = expand(x[i])
	}
	m := len(xs[0])
	v := make([]float64, m)
	pos := 0.0
	for _, t := range y {
		pos += t
	}
	wp, wn := float64(len(y))/(2*pos), float64(len(y))/(2*(float64(len(y))-pos))
	m1, m2, g := make([]float64, m), make([]float64, m), make([]float64, m)
	const rate, b1, b2 = 0.05, 0.9, 0.999
	for it := 1; it <= 1500; it++ {
		clear(g)
		for i, row := range xs {
			z := 0.0
			for j, a := range row {
				z += v[j] * a
			}
			e := 1/(1+math.Exp(-z)) - y[i]
			if y[i] == 1 {
				e *= wp
			} else {
				e *= wn
			}
			for j, a := range row {
				g[j] += e * a
			}
		}
		for j := range v {
			gj := g[j] / float64(len(xs))
			if j > 0 {
				gj += l2 * v[j]
			}
			m1[j] = b1*m1[j] + (1-b1)*gj
			m2[j] = b2*m2[j] + (1-b2)*gj*gj
			v[j] -= rate * (m1[j] / (1 - math.Pow(b1, float64(it)))) / (math.Sqrt(m2[j]/(1-math.Pow(b2, float64(it)))) + 1e-8)
		}
	}
	copy(w[:], v[:numFeatures])
	k := numFeatures
	for i := 1; i < numFeatures; i++ {
		for j := i; j < numFeatures; j++ {
			pairs[i][j] = v[k]
			k++
		}
	}
	return w, pairs
}

// cvFolds splits the tuning stories into folds by another hash of the
// story id, for choices made on the tuning part alone.
const cvFolds = 5

func cvFold(story string) int {
	h := fnv.New32a()
	h.Write([]byte("cv/" + story))
	return int(h.Sum32() % cvFolds)
}

// cvResult is pooled B-cubed over the tuning items, each scored by the
// fold that held it out.
type cvResult struct{ p, r, n float64 }

func (c cvResult) String() string {
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f", c.p/c.n, c.r/c.n, c.f1())
}

func (c cvResult) f1() float64 { p, r := c.p/c.n, c.r/c.n; return 2 * p * r / (p + r) }

// bcubedSum is bcubed's sums (not means) over the items only selects.
func bcubedSum(story, issue []string, only func(i int) bool) cvResult {
	type pair struct{ s, i string }
	both, ns, ni := map[pair]int{}, map[string]int{}, map[string]int{}
	for k := range story {
		both[pair{story[k], issue[k]}]++
		ns[story[k]]++
		ni[issue[k]]++
	}
	var c cvResult
	for k := range story {
		if !only(k) {
			continue
		}
		b := float64(both[pair{story[k], issue[k]}])
		c.p += b / float64(ni[issue[k]])
		c.r += b / float64(ns[story[k]])
		c.n++
	}
	return c
}

// crossValidate fits the scorer (with regularisation l2) on four folds
// of the tuning stories and scores the clustering on the fifth, for each
// threshold. The held-out stories are never read.
func crossValidate(t testing.TB, feed []kaltimfeed.Item, tags []tagger.Tags, stories []string, l2 float64, ths []float64) []cvResult {
	out := make([]cvResult, len(ths))
	for f := range cvFolds {
		x, y := pairsOf(feed, tags, stories, DefaultParams, func(k int) bool {
			return !kaltimfeed.HeldOut(stories[k]) && cvFold(stories[k]) != f
		})
		q := DefaultParams
		q.Weights, q.Pairs = fitScorer(x, y, l2)
		for i, th := range ths {
			q.Threshold = th
			got := clusterFeed(t, feed, tags, q)
			c := bcubedSum(stories, got, func(k int) bool { return !kaltimfeed.HeldOut(stories[k]) && cvFold(stories[k]) == f })
			out[i].p += c.p
			out[i].r += c.r
			out[i].n += c.n
		}
	}
	return out
}

// TestTuneScorer chooses the scorer's regularisation and threshold by
// cross-validation over the tuning stories, fits it on all of them and
// prints it; PANTAU_TUNE=1 runs it, PANTAU_TUNE=write also writes
// scorer.json. TestClusteringQuality then reports the held-out figures.
func TestTuneScorer(t *testing.T) {
	if os.Getenv("PANTAU_TUNE") == "" {
		t.Skip("set PANTAU_TUNE=1 (or write)")
	}
	feed, tags, stories := evalFeed(t)
	ths := []float64{0.65, 0.7, 0.725, 0.75, 0.775, 0.8, 0.85}
	bestF, bestL2, bestTh := 0.0, 0.0, 0.0
	for _, l2 := range []float64{1e-4, 3e-4, 1e-3, 3e-3} {
		for i, r := range crossValidate(t, feed, tags, stories, l2, ths) {
			t.Logf("l2 %g threshold %.2f: cross-validated tuning %s", l2, ths[i], r)
			if r.f1() > bestF {
				bestF, bestL2, bestTh = r.f1(), l2, ths[i]
			}
		}
	}
	t.Logf("chosen: l2 %g threshold %.2f (cross-validated F1 %.3f)", bestL2, bestTh, bestF)
	x, y := pairsOf(feed, tags, stories, DefaultParams, func(k int) bool { return !kaltimfeed.HeldOut(stories[k]) })
	w, pairs := fitScorer(x, y, bestL2)
	s := scorer{Features: featureNames[:], Weights: make([]float64, numFeatures), Threshold: bestTh,
		Chosen: map[string]float64{"l2": bestL2, "cv_f1": round4(bestF)}}
	for i := range w {
		s.Weights[i] = round4(w[i])
	}
	for i := 1; i < numFeatures; i++ {
		for j := i; j < numFeatures; j++ {
			if pairs[i][j] != 0 {
				s.Pairs = append(s.Pairs, scorerPair{A: featureNames[i], B: featureNames[j], W: round4(pairs[i][j])})
			}
		}
	}
	data, err := formatScorer(s)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("PANTAU_TUNE") == "write" {
		if err := os.WriteFile("scorer.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d pairs; scorer %s", len(x), data)
}

// formatScorer writes a scorer as scorer.json has it: one line per
// field, one per pair.
func formatScorer(s scorer) ([]byte, error) {
	var b strings.Builder
	line := func(key string, v any, end string) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, " %q: %s%s\n", key, strings.ReplaceAll(string(data), ",", ", "), end)
		return nil
	}
	b.WriteString("{\n")
	if err := errors.Join(line("features", s.Features, ","), line("weights", s.Weights, ",")); err != nil {
		return nil, err
	}
	b.WriteString(" \"pairs\": [\n")
	for i, p := range s.Pairs {
		fmt.Fprintf(&b, "  {\"a\": %q, \"b\": %q, \"w\": %v}", p.A, p.B, p.W)
		if i < len(s.Pairs)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString(" ],\n")
	if err := errors.Join(line("threshold", s.Threshold, ","), line("chosen", s.Chosen, "")); err != nil {
		return nil, err
	}
	b.WriteString("}\n")
	return []byte(b.String()), nil
}

// TestScorerFile reads the embedded scorer and refuses files that do
// not fit the features.
func TestScorerFile(t *testing.T) {
	var p Params
	if err := p.readScorer(scorerJSON); err != nil {
		t.Fatal(err)
	}
	if p.Threshold != DefaultParams.Threshold || p.Weights[fCentroid] <= 0 {
		t.Errorf("scorer read as threshold %v, centroid weight %v", p.Threshold, p.Weights[fCentroid])
	}
	var s scorer
	if err := json.Unmarshal(scorerJSON, &s); err != nil {
		t.Fatal(err)
	}
	if out, err := formatScorer(s); err != nil || string(out) != string(scorerJSON) {
		t.Errorf("scorer.json is not as formatScorer writes it (%v)", err)
	}
	bad := func(name string, change func(s *scorer)) {
		t.Helper()
		c := s
		c.Features = append([]string(nil), s.Features...)
		c.Weights = append([]float64(nil), s.Weights...)
		c.Pairs = append([]scorerPair(nil), s.Pairs...)
		change(&c)
		data, _ := json.Marshal(c)
		var q Params
		if err := q.readScorer(data); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
	bad("renamed feature", func(s *scorer) { s.Features[3] = "region" })
	bad("weight missing", func(s *scorer) { s.Weights = s.Weights[1:] })
	bad("unknown pair", func(s *scorer) { s.Pairs = append(s.Pairs, scorerPair{A: "centroid", B: "moon", W: 1}) })
	bad("pair with bias", func(s *scorer) { s.Pairs = append(s.Pairs, scorerPair{A: "bias", B: "centroid", W: 1}) })
	bad("threshold", func(s *scorer) { s.Threshold = 1.5 })
	if err := new(Params).readScorer([]byte("{")); err == nil {
		t.Error("broken JSON read without error")
	}
}
