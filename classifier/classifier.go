// Package classifier labels articles with Diskominfo's four issue-sentiment
// classes (positif, netral, berpotensi negatif, negatif). Models sit behind
// the Model interface; the stage that consumes crawled articles is in
// package stage. This package must not write to the store or use the bus.
package classifier

import "github.com/diskominfo-kaltim/pantau/news"

// Result is a model's verdict on one item.
type Result struct {
	Label    string
	Scores   [4]float32 // probabilities in news.Labels order
	Polarity string
	Evidence []string // the words or phrases that drove the decision
}

// Model classifies one item from its title and text.
type Model interface {
	Version() string
	Classify(title, text string) Result
}

// Apply returns the classified form of a.
func Apply(m Model, a news.Article) news.Classified {
	r := m.Classify(a.Title, a.Text)
	return news.Classified{
		Article:      a,
		Label:        r.Label,
		Scores:       r.Scores,
		Polarity:     r.Polarity,
		ModelVersion: m.Version(),
		Evidence:     r.Evidence,
	}
}
