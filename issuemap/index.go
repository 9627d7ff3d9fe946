package issuemap

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Params are the clustering's figures. Weights and Pairs score how well
// an article continues an issue: a logistic model over the pair's
// features and their pairwise products (same region matters more when
// the words agree, a social post's cosine means less than an article's),
// fitted on the tuning stories of the Kaltim example items and chosen by
// cross-validation over them (see tune_test.go; scorer.json holds it).
type Params struct {
	Weights   [numFeatures]float64
	Pairs     [numFeatures][numFeatures]float64 // weight of f[i]·f[j], i ≤ j, bias excluded
	Threshold float64                           // probability an article needs to join an issue
	Related   float64                           // probability for a second issue that links the two as related
	Window    time.Duration                     // an issue quiet this long takes no article and leaves memory
	MaxTerms  int                               // centroid terms kept per issue
	MaxNames  int                               // names kept per issue
	MaxVocab  int                               // words kept per issue
	Recent    int                               // recent articles kept per issue for the closest-article similarity
}

// DefaultParams are the fitted figures.
var DefaultParams = func() Params {
	p := Params{Related: 0.5, Window: 10 * 24 * time.Hour, MaxTerms: 80, MaxNames: 40, MaxVocab: 300, Recent: 8}
	if err := p.readScorer(scorerJSON); err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return p
}()

//go:embed scorer.json
var scorerJSON []byte

// scorer is scorer.json: the fitted model and the threshold chosen for it.
type scorer struct {
	Features  []string           `json:"features"`
	Weights   []float64          `json:"weights"`
	Pairs     []scorerPair       `json:"pairs"`
	Threshold float64            `json:"threshold"`
	Chosen    map[string]float64 `json:"chosen,omitempty"` // what cross-validation chose from, for the record
}

type scorerPair struct {
	A string  `json:"a"`
	B string  `json:"b"`
	W float64 `json:"w"`
}

// readScorer sets p's weights and threshold from a scorer file; features
// are matched by name, so a file written before a feature was added
// fails instead of scoring with shifted weights.
func (p *Params) readScorer(data []byte) error {
	var s scorer
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("reading scorer: %w", err)
	}
	if len(s.Features) != numFeatures || len(s.Weights) != numFeatures {
		return fmt.Errorf("scorer has %d features and %d weights, want %d", len(s.Features), len(s.Weights), numFeatures)
	}
	pos := map[string]int{}
	for i, name := range featureNames {
		if s.Features[i] != name {
			return fmt.Errorf("scorer feature %d is %q, want %q", i, s.Features[i], name)
		}
		pos[name] = i
	}
	copy(p.Weights[:], s.Weights)
	p.Pairs = [numFeatures][numFeatures]float64{}
	for _, q := range s.Pairs {
		i, ok1 := pos[q.A]
		j, ok2 := pos[q.B]
		if !ok1 || !ok2 || i == fBias || j == fBias {
			return fmt.Errorf("scorer pair %s×%s: unknown feature", q.A, q.B)
		}
		p.Pairs[min(i, j)][max(i, j)] = q.W
	}
	if s.Threshold <= 0 || s.Threshold >= 1 {
		return fmt.Errorf("scorer threshold %v", s.Threshold)
	}
	p.Threshold = s.Threshold
	return nil
}

// The features of an (article, issue) pair.
const (
	fBias       = iota
	fCentroid   // cosine with the issue's centroid
	fMember     // cosine with the closest recent article
	fRegionSame // both about the same kabupaten/kota
	fRegionDiff // both about a kabupaten/kota, not the same
	fGap        // days since the issue's last article, over 7
	fNames      // the issue's names the article uses (up to 3), over 3
	fTitle      // share of the title's words among the issue's terms
	fSocial     // the article is a social post
	fSocialCos  // social post × centroid cosine
	fSize       // log(1 + the issue's articles) / 4
	fOffice     // share of the article's offices among the issue's
	fRegionOff  // same kabupaten/kota × office share
	fOutlet     // the issue has articles from the article's outlet
	fOutletSoc  // … and the article is a social post
	fCoverage   // idf-weighted share of the article's words the issue's articles used
	fCoverSoc   // social post × coverage
	fLatest     // the issue holds the outlet's latest article
	fLatestCom  // … and the article is a comment
	numFeatures
)

var featureNames = [numFeatures]string{"bias", "centroid", "member", "region_same", "region_diff", "gap", "names", "title",
	"social", "social_cos", "size", "office", "region_office", "outlet", "outlet_social", "coverage", "coverage_social", "latest", "latest_comment"}

// member is one recent article of an issue, as a unit vector.
type member struct {
	ID  string             `json:"id"`
	At  time.Time          `json:"at"`
	Vec map[string]float64 `json:"vec"`
}

// doc is an article as the index compares it.
type doc struct {
	id        string
	at        time.Time
	tf        map[string]float64 // before idf
	vec       map[string]float64 // unit tf-idf vector
	regions   []string           // kabupaten/kota it is about (at most one)
	story     string
	offices   []string        // offices responsible, without their government
	names     map[string]bool // capitalised words of the text
	title     []string        // content words of the title
	words     []string        // content words of title and text
	social    bool
	comment   bool      // a comment under a post (parent known or the outlet says so)
	parent    string    // the post it answers, when known
	outlet    string    // the account or site; an account's comment threads are the account
	idfs      []float64 // of words, by weigh
	idfSum    float64
	titleText string
	label     string // the classifier's, when known: names come from the issue's dominant label
}

// index holds the active issues, the inverted index from terms to them
// and the document frequencies. It is not safe for concurrent use.
type index struct {
	p       Params
	issues  map[string]*Issue
	stories map[string]*Issue // syndicated story → its issue
	seen    map[string]*Issue // recent article → its issue
	latest  map[string]*Issue // outlet → the issue of its latest article
	post    map[string]map[*Issue]struct{}
	df      map[string]int
	docs    int
	now     time.Time // latest article time seen
	pruned  time.Time
}

func newIndex(p Params) *index {
	return &index{p: p, issues: map[string]*Issue{}, stories: map[string]*Issue{}, seen: map[string]*Issue{}, latest: map[string]*Issue{}, post: map[string]map[*Issue]struct{}{}, df: map[string]int{}}
}

func (ix *index) idf(t string) float64 {
	bg, n := background()
	return math.Log(1 + float64(n+ix.docs)/float64(1+bg[t]+ix.df[t]))
}

// weigh turns the document's term frequencies into a unit tf-idf vector.
func (ix *index) weigh(d *doc) {
	d.idfs = make([]float64, len(d.words))
	d.idfSum = 0
	for i, w := range d.words {
		d.idfs[i] = ix.idf(w)
		d.idfSum += d.idfs[i]
	}
	d.vec = make(map[string]float64, len(d.tf))
	var norm float64
	for t, f := range d.tf {
		w := f * ix.idf(t)
		d.vec[t] = w
		norm += w * w
	}
	if norm > 0 {
		norm = math.Sqrt(norm)
		for t := range d.vec {
			d.vec[t] /= norm
		}
	}
}

func dot(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for k, x := range a {
		s += x * b[k]
	}
	return s
}

func norm(a map[string]float64) float64 {
	var s float64
	for _, x := range a {
		s += x * x
	}
	return math.Sqrt(s)
}

// features describes how d relates to issue is.
func (ix *index) features(d *doc, is *Issue) [numFeatures]float64 {
	var f [numFeatures]float64
	f[fBias] = 1
	if is.norm > 0 {
		f[fCentroid] = dot(d.vec, is.Terms) / is.norm
	}
	for _, m := range is.Members {
		f[fMember] = max(f[fMember], dot(d.vec, m.Vec))
	}
	if len(d.regions) > 0 && len(is.Regions) > 0 {
		if is.region() == d.regions[0] {
			f[fRegionSame] = 1
		} else {
			f[fRegionDiff] = 1
		}
	}
	f[fGap] = min(max(d.at.Sub(is.LastSeen).Hours()/24, 0), 14) / 7
	names := 0
	for _, w := range d.words {
		if is.Names[w] > 0 {
			names++
		}
	}
	f[fNames] = float64(min(names, 3)) / 3
	if len(d.title) > 0 {
		in := 0
		for _, w := range d.title {
			if is.Terms[w] > 0 {
				in++
			}
		}
		f[fTitle] = float64(in) / float64(len(d.title))
	}
	if d.social {
		f[fSocial] = 1
		f[fSocialCos] = f[fCentroid]
	}
	f[fSize] = math.Log1p(float64(is.Count)) / 4
	if len(d.offices) > 0 {
		in := 0
		for _, o := range d.offices {
			if is.Offices[o] > 0 {
				in++
			}
		}
		f[fOffice] = float64(in) / float64(len(d.offices))
	}
	f[fRegionOff] = f[fRegionSame] * f[fOffice]
	var in float64
	for i, w := range d.words {
		if is.Vocab[w] > 0 {
			in += d.idfs[i]
		}
	}
	if d.idfSum > 0 {
		f[fCoverage] = in / d.idfSum
		if d.social {
			f[fCoverSoc] = f[fCoverage]
		}
	}
	if ix.latest[d.outlet] == is {
		f[fLatest] = 1
		if d.comment {
			f[fLatestCom] = 1
		}
	}
	if _, ok := is.OutletAt[d.outlet]; ok {
		f[fOutlet] = 1
		if d.social {
			f[fOutletSoc] = 1
		}
	}
	return f
}

// score is the probability that d continues is.
func (ix *index) score(d *doc, is *Issue) float64 {
	f := ix.features(d, is)
	z := 0.0
	for i, w := range ix.p.Weights {
		z += w * f[i]
	}
	for i := 1; i < numFeatures; i++ {
		if f[i] == 0 {
			continue
		}
		for j := i; j < numFeatures; j++ {
			z += ix.p.Pairs[i][j] * f[i] * f[j]
		}
	}
	return 1 / (1 + math.Exp(-z))
}

// candidates are the active issues sharing one of d's heaviest terms,
// found through the inverted index: terms that many active issues share
// (maxPosting) are too common to point anywhere and are skipped, and of
// the issues found only those whose shared terms weigh most are scored
// in full.
func (ix *index) candidates(d *doc) []*Issue {
	terms := make([]string, 0, len(d.vec))
	for t := range d.vec {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if d.vec[terms[i]] != d.vec[terms[j]] {
			return d.vec[terms[i]] > d.vec[terms[j]]
		}
		return terms[i] < terms[j]
	})
	acc := map[*Issue]float64{}
	for _, t := range terms[:min(len(terms), maxQueryTerms)] {
		p := ix.post[t]
		if len(p) > maxPosting {
			continue
		}
		w := d.vec[t]
		for is := range p {
			acc[is] += w * is.Terms[t]
		}
	}
	// The best maxCandidates by the weight of shared terms, kept sorted
	// by insertion (most issues fall below the last kept).
	type scored struct {
		is *Issue
		s  float64
	}
	top := make([]scored, 0, maxCandidates+1)
	better := func(a, b scored) bool { return a.s > b.s || a.s == b.s && a.is.ID < b.is.ID }
	for is, s := range acc {
		if d.at.Sub(is.LastSeen) > ix.p.Window || is.FirstSeen.Sub(d.at) > ix.p.Window {
			continue
		}
		c := scored{is, s}
		if len(top) == maxCandidates && !better(c, top[len(top)-1]) {
			continue
		}
		i := len(top)
		top = append(top, c)
		for i > 0 && better(c, top[i-1]) {
			top[i] = top[i-1]
			i--
		}
		top[i] = c
		if len(top) > maxCandidates {
			top = top[:maxCandidates]
		}
	}
	out := make([]*Issue, len(top), len(top)+1)
	for i, c := range top {
		out[i] = c.is
	}
	// The issue of the outlet's latest article is always one (a comment's
	// post shares few words with it).
	if is := ix.latest[d.outlet]; is != nil && ix.issues[is.ID] == is && !slices.Contains(out, is) &&
		d.at.Sub(is.LastSeen) <= ix.p.Window && is.FirstSeen.Sub(d.at) <= ix.p.Window {
		out = append(out, is)
	}
	return out
}

const (
	maxQueryTerms = 12 // an article's heaviest terms looked up
	maxPosting    = 64 // active issues a term may point to and still find candidates
	maxCandidates = 8  // issues scored in full per article
)

// place finds the issue d joins, or nil for a new one, and a second issue
// close enough to be related.
func (ix *index) place(d *doc) (best, related *Issue) {
	if is := ix.stories[d.story]; is != nil && d.story != "" && ix.issues[is.ID] == is {
		return is, nil
	}
	if is := ix.seen[d.parent]; is != nil && d.parent != "" && ix.issues[is.ID] == is {
		return is, nil
	}
	bestSim, secondSim := 0.0, 0.0
	var second *Issue
	for _, is := range ix.candidates(d) {
		s := ix.score(d, is)
		switch {
		case s > bestSim:
			second, secondSim = best, bestSim
			best, bestSim = is, s
		case s > secondSim:
			second, secondSim = is, s
		}
	}
	if bestSim < ix.p.Threshold {
		if bestSim >= ix.p.Related {
			return nil, best
		}
		return nil, nil
	}
	if secondSim >= ix.p.Related {
		return best, second
	}
	return best, nil
}

// count moves the index's clock to d.
func (ix *index) count(d *doc) {
	if d.at.After(ix.now) {
		ix.now = d.at
	}
}

// assign weighs d, puts it into the issue it continues or a new one
// (named by newID), counts it, and returns the issue and a related one.
func (ix *index) assign(d *doc, newID func() string) (is, related *Issue) {
	ix.weigh(d)
	is, related = ix.place(d)
	if is == nil {
		is = &Issue{ID: newID(), FirstSeen: d.at, LastSeen: d.at}
	}
	ix.add(is, d)
	ix.count(d)
	if related != nil && related != is {
		is.relate(related.ID)
		related.relate(is.ID)
	}
	return is, related
}

// add puts d into issue is and indexes it: an issue already in the
// index is updated in place (its postings and the document frequencies
// change by what d adds or pushes out), a new one is indexed whole.
func (ix *index) add(is *Issue, d *doc) {
	indexed := ix.issues[is.ID] == is
	if d.at.Before(is.FirstSeen) {
		is.FirstSeen = d.at
	}
	if d.at.After(is.LastSeen) {
		is.LastSeen = d.at
	}
	is.Count++
	if indexed {
		ix.docs++
	}
	// The ids an issue no longer keeps leave the maps too, so memory stays
	// bounded and a restart, which reads them from the kept ids, agrees.
	var dropped string
	if is.Seen, dropped = appendCapped(is.Seen, d.id, maxSeen); dropped != "" && ix.seen[dropped] == is {
		delete(ix.seen, dropped)
	}
	ix.seen[d.id] = is
	if d.story != "" {
		if is.Stories, dropped = appendCapped(is.Stories, d.story, maxStories); dropped != "" && ix.stories[dropped] == is {
			delete(ix.stories, dropped)
		}
		ix.stories[d.story] = is
	}
	if is.Terms == nil {
		is.Terms = map[string]float64{}
	}
	for t, w := range d.vec {
		if _, ok := is.Terms[t]; !ok && indexed {
			ix.post[t] = addPosting(ix.post[t], is)
		}
		is.Terms[t] = round4(is.Terms[t] + w)
	}
	for _, t := range trim(is.Terms, ix.p.MaxTerms) {
		if indexed {
			ix.dropPosting(t, is)
		}
	}
	vec := topN(d.vec, 30)
	for t, w := range vec {
		vec[t] = round4(w)
	}
	is.Members = append(is.Members, member{ID: d.id, At: d.at, Vec: vec})
	if len(is.Members) > ix.p.Recent {
		is.Members = is.Members[len(is.Members)-ix.p.Recent:]
	}
	if is.Names == nil {
		is.Names = map[string]int{}
	}
	for w := range d.names {
		is.Names[w]++
	}
	trim(is.Names, ix.p.MaxNames)
	if is.Vocab == nil {
		is.Vocab = map[string]int{}
	}
	for _, w := range d.words {
		is.Vocab[w]++
		if indexed {
			ix.df[w]++
		}
	}
	if len(is.Vocab) > ix.p.MaxVocab+ix.p.MaxVocab/4 {
		counts := make(map[string]int, len(is.Vocab))
		for w, n := range is.Vocab {
			counts[w] = n
		}
		for _, w := range trim(is.Vocab, ix.p.MaxVocab) {
			if indexed {
				ix.undf(w, counts[w])
			}
		}
	}
	if is.OutletAt == nil {
		is.OutletAt = map[string]time.Time{}
	}
	if d.at.After(is.OutletAt[d.outlet]) {
		is.OutletAt[d.outlet] = d.at
	}
	ix.offerLatest(d.outlet, is)
	trimTimes(is.OutletAt, 16, func(o string) bool { return ix.latest[o] == is })
	if is.Offices == nil {
		is.Offices = map[string]int{}
	}
	for _, o := range d.offices {
		is.Offices[o]++
	}
	if is.Regions == nil {
		is.Regions = map[string]int{}
	}
	for _, r := range d.regions {
		is.Regions[r]++
	}
	if d.label != "" {
		if is.Labels == nil {
			is.Labels = map[string]int{}
		}
		is.Labels[d.label]++
	}
	is.addTitle(d.titleText, d.label, d.social)
	is.Name = is.name(ix.idf)
	if indexed {
		is.norm = norm(is.Terms)
	} else {
		ix.reindex(is)
	}
}

func addPosting(p map[*Issue]struct{}, is *Issue) map[*Issue]struct{} {
	if p == nil {
		p = map[*Issue]struct{}{}
	}
	p[is] = struct{}{}
	return p
}

func (ix *index) dropPosting(t string, is *Issue) {
	if p := ix.post[t]; p != nil {
		delete(p, is)
		if len(p) == 0 {
			delete(ix.post, t)
		}
	}
}

func (ix *index) undf(w string, n int) {
	if ix.df[w] -= n; ix.df[w] <= 0 {
		delete(ix.df, w)
	}
}

// trim keeps the n largest values of m once it has grown a quarter past
// n (ties by key), and returns the keys it removed: the sort is paid
// once per several additions, and the same additions always keep the
// same keys.
func trim[V int | float64](m map[string]V, n int) []string {
	if len(m) <= n+n/4 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys[n:] {
		delete(m, k)
	}
	return keys[n:]
}

// reindex adds an issue to the index and its words to the document
// frequencies: these are counted over the active issues' articles, so
// they are bounded and a restart that reloads the same issues has the
// same figures.
func (ix *index) reindex(is *Issue) {
	ix.issues[is.ID] = is
	is.norm = norm(is.Terms)
	for w, n := range is.Vocab {
		ix.df[w] += n
	}
	ix.docs += is.Count
	for t := range is.Terms {
		ix.post[t] = addPosting(ix.post[t], is)
	}
}

func (ix *index) unindex(is *Issue) {
	if ix.issues[is.ID] != is {
		return
	}
	delete(ix.issues, is.ID)
	for w, n := range is.Vocab {
		ix.undf(w, n)
	}
	ix.docs -= is.Count
	for t := range is.Terms {
		ix.dropPosting(t, is)
	}
}

// restore puts an issue read back from the bucket into the index.
func (ix *index) restore(is *Issue) {
	if prev := ix.issues[is.ID]; prev != nil {
		ix.unindex(prev)
	}
	ix.reindex(is)
	for _, s := range is.Stories {
		ix.stories[s] = is
	}
	for _, a := range is.Seen {
		ix.seen[a] = is
	}
	for o := range is.OutletAt {
		ix.offerLatest(o, is)
	}
	if is.LastSeen.After(ix.now) {
		ix.now = is.LastSeen
	}
}

// articleIssue is the issue a recent article was placed in, or nil.
func (ix *index) articleIssue(id string) *Issue { return ix.seen[id] }

// prune drops issues quiet for longer than the window from memory and
// returns them.
func (ix *index) prune() []*Issue {
	if ix.now.Sub(ix.pruned) < time.Hour {
		return nil
	}
	ix.pruned = ix.now
	var out []*Issue
	lost := map[string]bool{} // outlets whose latest issue left
	for _, is := range ix.issues {
		if ix.now.Sub(is.LastSeen) > ix.p.Window {
			ix.unindex(is)
			for _, s := range is.Stories {
				if ix.stories[s] == is {
					delete(ix.stories, s)
				}
			}
			for _, a := range is.Seen {
				if ix.seen[a] == is {
					delete(ix.seen, a)
				}
			}
			for o := range is.OutletAt {
				if ix.latest[o] == is {
					delete(ix.latest, o)
					lost[o] = true
				}
			}
			out = append(out, is)
		}
	}
	// Those outlets' latest issue is now the latest of the issues left,
	// as a restart would find it.
	if len(lost) > 0 {
		for _, is := range ix.issues {
			for o := range is.OutletAt {
				if lost[o] {
					ix.offerLatest(o, is)
				}
			}
		}
	}
	return out
}

// topN keeps the n largest values of m (ties by key, so the result is
// deterministic): an issue's heaviest terms, its most frequent names.
func topN[V int | float64](m map[string]V, n int) map[string]V {
	if len(m) <= n {
		return m
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make(map[string]V, n)
	for _, k := range keys[:n] {
		out[k] = m[k]
	}
	return out
}

// appendCapped appends v to s unless present, keeping the last n values,
// and returns the value it pushed out, if any.
func appendCapped(s []string, v string, n int) ([]string, string) {
	if slices.Contains(s, v) {
		return s, ""
	}
	s = append(s, v)
	if len(s) <= n {
		return s, ""
	}
	return s[len(s)-n:], s[len(s)-n-1]
}

// round4 keeps four decimals: weights stay comparable and their saved
// state small.
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// offerLatest makes is the outlet's latest issue when its article of the
// outlet is later than the latest issue's (at the same time, the smaller
// issue id), or when it is a newer copy of the same issue: the one rule
// for placing, restoring and pruning, so a restart finds what an
// uninterrupted run has.
func (ix *index) offerLatest(outlet string, is *Issue) {
	at, ok := is.OutletAt[outlet]
	if !ok {
		return
	}
	cur := ix.latest[outlet]
	if cur == nil || cur.ID == is.ID {
		ix.latest[outlet] = is
		return
	}
	if ct := cur.OutletAt[outlet]; at.After(ct) || at.Equal(ct) && is.ID < cur.ID {
		ix.latest[outlet] = is
	}
}

// Ids an issue keeps: its latest articles and syndicated stories.
const (
	maxSeen    = 256
	maxStories = 64
)

// trimTimes keeps the n latest times of m once it has grown a quarter
// past n (ties by key), and those keep asks for.
func trimTimes(m map[string]time.Time, n int, keep func(string) bool) {
	if len(m) <= n+n/4 {
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if !m[keys[i]].Equal(m[keys[j]]) {
			return m[keys[i]].After(m[keys[j]])
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys[n:] {
		if !keep(k) {
			delete(m, k)
		}
	}
}
