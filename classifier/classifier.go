// Package classifier labels items — news articles, press releases and
// social posts — with Diskominfo's four issue-sentiment classes (positif,
// netral, berpotensi negatif, negatif), their polarity, a calibrated
// confidence and the words that explain the label. Prediction only: the
// model (model.go, how a label is computed), how text becomes words
// (text.go), the word normalisation and the lexicon baseline. Training
// lives in classifier/train, the stage that runs it on the bus in package
// stage; this package must not write to the store or the bus.
package classifier

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"sync"

	"github.com/diskominfo-kaltim/pantau/news"
)

// Result is a model's verdict on one item.
type Result struct {
	Label      string
	Scores     [4]float32 // probabilities in news.Labels order
	Confidence float32    // the probability of Label
	Polarity   string
	Evidence   []string // content words or phrases that pushed toward Label
}

// Model classifies one item from its title, text and kind (berita, rilis
// or sosmed; empty is berita).
type Model interface {
	Version() string
	Classify(title, text, kind string) Result
}

// Apply returns the classified form of a.
func Apply(m Model, a news.Article) news.Classified {
	r := m.Classify(a.Title, a.Text, a.KindOrDefault())
	return news.Classified{
		Article:      a,
		Label:        r.Label,
		Scores:       r.Scores,
		Confidence:   r.Confidence,
		Polarity:     r.Polarity,
		ModelVersion: m.Version(),
		Evidence:     r.Evidence,
		LabelSource:  "model",
	}
}

//go:embed model/pantau.model
var shippedModel []byte

// LoadShipped returns the model shipped in the binary, loaded once (its
// weights are used in place; loading takes a few milliseconds).
var LoadShipped = sync.OnceValues(func() (*Trained, error) { return Load(shippedModel) })

// Shipped returns the shipped model file's bytes.
func Shipped() []byte { return bytes.Clone(shippedModel) }

// Open returns the model the `model` option names: empty for the shipped
// model, "lexicon" for the lexicon baseline, else a file from `pantau
// train`.
func Open(name string) (Model, error) {
	switch name {
	case "":
		return LoadShipped()
	case "lexicon":
		return NewLexicon(), nil
	}
	return LoadFile(name)
}

// LoadFile loads a model file written by `pantau train`.
func LoadFile(path string) (*Trained, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := Load(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}
