package tagger

import (
	"math"
	"sort"
	"strings"

	"github.com/diskominfo-kaltim/pantau/indonesian"
)

var stop = func() map[string]bool {
	m := indonesian.Stopwords()
	for _, w := range []string{"kata", "ujar", "ungkap", "jelas", "tutur", "sebut", "kompas", "com", "cnn", "indonesia",
		"antara", "jakarta", "detik", "tribun", "merdeka", "suara", "kumparan", "okezone", "wib", "wita", "wit", "pihaknya",
		"tahun", "hari", "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "pukul", "baca", "juga"} {
		m[w] = true
	}
	return m
}()

// KeyPhrases returns up to n words and word pairs that characterise an
// item: content words weighted by frequency, title words counting triple.
func KeyPhrases(title, text string, n int) []string {
	if len(text) > 4000 {
		text = text[:4000]
	}
	score := map[string]float64{}
	places := Places()
	add := func(s string, weight float64) {
		w := words(s)
		for i := 0; i < len(w); i++ {
			x := w[i]
			if i+1 < len(w) {
				// A place of two words ("long bagun", "muara badak") is
				// one phrase, never its words apart.
				if _, ok := places[x+" "+w[i+1]]; ok {
					score[x+" "+w[i+1]] += weight * 2
					i++
					continue
				}
			}
			if !content(x) {
				continue
			}
			score[x] += weight
			if i+1 < len(w) && content(w[i+1]) && !(i+2 < len(w) && places[w[i+1]+" "+w[i+2]] != "") {
				score[x+" "+w[i+1]] += weight * 1.5
			}
		}
	}
	add(title, 3)
	add(text, 1)
	keys := make([]string, 0, len(score))
	for k, v := range score {
		if v >= 2 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if score[keys[i]] != score[keys[j]] {
			return score[keys[i]] > score[keys[j]]
		}
		return keys[i] < keys[j]
	})
	// A pair makes its own words redundant.
	var out []string
	covered := map[string]bool{}
	for _, k := range keys {
		if len(out) == n {
			break
		}
		all := true
		for _, w := range strings.Fields(k) {
			all = all && covered[w]
		}
		if all {
			continue
		}
		out = append(out, k)
		for _, w := range strings.Fields(k) {
			covered[w] = true
		}
	}
	return out
}

func content(w string) bool {
	if len(w) < 3 || stop[w] {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return true
		}
	}
	return false
}

// Terms is the bag of content words and title word pairs that issue
// clustering compares: title words count triple, the lead (first 150
// words) once, repeated words with diminishing weight.
func Terms(title, text string) map[string]float64 {
	tf := map[string]float64{}
	tw := words(title)
	for i, w := range tw {
		if !content(w) {
			continue
		}
		tf[w] += 3
		if i+1 < len(tw) && content(tw[i+1]) {
			tf[w+" "+tw[i+1]] += 2
		}
	}
	body := words(text)
	if len(body) > 150 {
		body = body[:150]
	}
	for i, w := range body {
		if !content(w) {
			continue
		}
		tf[w]++
		if i+1 < len(body) && content(body[i+1]) {
			tf[w+" "+body[i+1]] += 0.5
		}
	}
	for k, v := range tf {
		tf[k] = 1 + math.Log(v)
	}
	return tf
}
