package issuemap

import (
	"sort"
	"time"
)

// Issue is one matter the media talks about, across outlets and days.
type Issue struct {
	ID        string               `json:"id"`
	Name      string               `json:"name"`
	Terms     map[string]float64   `json:"terms"` // centroid: sum of the articles' unit tf-idf vectors
	Members   []member             `json:"recent,omitempty"`
	Regions   map[string]int       `json:"regions,omitempty"`   // kabupaten/kota → articles about it
	Names     map[string]int       `json:"names,omitempty"`     // capitalised words of its articles → articles
	Offices   map[string]int       `json:"offices,omitempty"`   // offices responsible → articles
	OutletAt  map[string]time.Time `json:"outlet_at,omitempty"` // outlets → their latest article here (16 kept, and those it is the latest issue of)
	Vocab     map[string]int       `json:"vocab,omitempty"`     // words (stems) of its articles → articles
	Phrases   map[string]*phrase   `json:"phrases,omitempty"`   // title phrases, for its name
	Labels    map[string]int       `json:"labels,omitempty"`    // labels of its articles → articles, for its name
	FirstSeen time.Time            `json:"first_seen"`
	LastSeen  time.Time            `json:"last_seen"`
	Count     int                  `json:"count"`
	Related   []string             `json:"related,omitempty"` // issues that later touched this one
	// RespondedAt is when the government first spoke on the issue (a
	// release, an official account, an office's own words in the news).
	RespondedAt time.Time `json:"responded_at,omitzero"`
	Seen        []string  `json:"seen,omitempty"` // its latest articles' ids

	norm    float64  // of Terms, kept by the index
	Stories []string `json:"stories,omitempty"` // syndicated stories placed here
}

// TopTerms returns the issue's n heaviest terms.
func (is *Issue) TopTerms(n int) []string {
	keys := make([]string, 0, len(is.Terms))
	for k := range is.Terms {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if is.Terms[keys[i]] != is.Terms[keys[j]] {
			return is.Terms[keys[i]] > is.Terms[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys[:min(n, len(keys))]
}

func (is *Issue) relate(id string) { is.Related, _ = appendCapped(is.Related, id, 8) }

// region is the kabupaten/kota most of the issue's articles are about.
func (is *Issue) region() string {
	best, n := "", 0
	for r, k := range is.Regions {
		if k > n || k == n && r < best {
			best, n = r, k
		}
	}
	return best
}
