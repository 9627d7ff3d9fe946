package train

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/diskominfo-kaltim/pantau/classifier/data"
	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Item is one labelled example, a four-class label or a polarity.
type Item struct {
	ID     string
	Title  string
	Text   string
	Label  string
	Kind   string // berita, rilis or sosmed
	Source string // what the report groups by: indosum, hoax, cnbc, kaltim, correction; smsa, nusax-<language>
	Group  string // items of one group share a fold: a Kaltim story, a NusaX sentence in every language
	Weight float64
}

// Corpus is everything training reads.
type Corpus struct {
	Issue         []Item            // the four classes: news4, Kaltim examples, corrections
	Polarity      []Item            // polarity training: SmSA, NusaX, CNBC headlines
	PolarityValid map[string][]Item // the published validation splits, by set
	Unlabelled    []string          // texts for the word vectors
	LeakDropped   int               // SmSA lines left out as sources of NusaX valid/test sentences
	CNBCDropped   int               // CNBC polarity headlines left out because news4 holds them
}

// Sources of four-class items, in report order.
const (
	SourceIndoSum    = "indosum"
	SourceHoax       = "hoax"
	SourceCNBC       = "cnbc"
	SourceKaltim     = "kaltim"
	SourceCorrection = "correction"
)

// Load reads the repository's training data (packages labels and
// classifier/data) and the analysts' corrections.
func Load(corrections []Item) (*Corpus, error) {
	c := &Corpus{PolarityValid: map[string][]Item{}}
	news4, err := labels.News4()
	if err != nil {
		return nil, err
	}
	inNews4 := map[string]bool{}
	for _, it := range news4 {
		src := SourceIndoSum
		switch it.Source {
		case "hoax600":
			src = SourceHoax
		case "cnbc indonesia":
			src = SourceCNBC
			inNews4[strings.TrimSpace(it.Title)] = true
		}
		c.Issue = append(c.Issue, Item{ID: it.ID, Title: it.Title, Text: it.Text, Label: it.Label, Kind: news.KindBerita,
			Source: src, Group: it.ID, Weight: 1})
	}
	kaltim, err := labels.Kaltim()
	if err != nil {
		return nil, err
	}
	for _, it := range kaltim {
		kind := it.Kind
		if kind == "" {
			kind = news.KindBerita
		}
		c.Issue = append(c.Issue, Item{ID: it.ID, Title: it.Title, Text: it.Text, Label: it.Label, Kind: kind,
			Source: SourceKaltim, Group: "story:" + it.Story, Weight: 1})
	}
	for _, it := range corrections {
		if !news.ValidLabel(it.Label) {
			continue
		}
		it.Source, it.Group, it.Weight = SourceCorrection, it.ID, 1
		if it.Kind == "" {
			it.Kind = news.KindBerita
		}
		c.Issue = append(c.Issue, it)
	}

	if err := c.loadPolarity(inNews4); err != nil {
		return nil, err
	}
	if err := c.loadUnlabelled(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Corpus) loadPolarity(inNews4 map[string]bool) error {
	// NusaX was translated from SmSA: the SmSA train lines behind NusaX's
	// valid and test sentences are left out, or NusaX would measure memory.
	leak := map[int]bool{}
	nusaxGroup := map[int]string{} // SmSA train line → the NusaX id it became
	rows, err := readCSV("nusax/overlap_with_smsa.csv")
	if err != nil {
		return err
	}
	for _, r := range rows[1:] {
		if len(r) < 4 || r[2] != "train" {
			continue
		}
		n, err := strconv.Atoi(r[3])
		if err != nil {
			return fmt.Errorf("nusax/overlap_with_smsa.csv: %w", err)
		}
		if r[1] != "train" {
			leak[n] = true
		} else {
			nusaxGroup[n] = "nusax:" + r[0]
		}
	}
	for _, split := range []string{"train", "valid"} {
		name := "smsa/" + split + "_preprocess.tsv.gz"
		err := eachLine(name, func(n int, line string) error {
			text, label, ok := strings.Cut(line, "\t")
			if !ok || PolarityIndex(label) < 0 {
				return nil
			}
			it := Item{ID: fmt.Sprintf("smsa-%s:%d", split, n), Text: text, Label: label, Kind: news.KindSosmed,
				Source: "smsa", Group: fmt.Sprintf("smsa:%d", n), Weight: 1}
			if split == "valid" {
				c.PolarityValid["smsa"] = append(c.PolarityValid["smsa"], it)
				return nil
			}
			if leak[n] {
				c.LeakDropped++
				return nil
			}
			if g, ok := nusaxGroup[n]; ok {
				it.Group = g // the same sentence as a NusaX item: one fold
			}
			c.Polarity = append(c.Polarity, it)
			return nil
		})
		if err != nil {
			return err
		}
	}
	rows, err = readCSV("nusax/nusax_senti.csv.gz")
	if err != nil {
		return err
	}
	for _, r := range rows[1:] {
		lang, split, id, text, label := r[0], r[1], r[2], r[3], r[4]
		it := Item{ID: "nusax-" + lang + ":" + id, Text: text, Label: label, Kind: news.KindSosmed,
			Source: "nusax-" + lang, Group: "nusax:" + id, Weight: nusaxWeight(lang)}
		if split == "valid" {
			c.PolarityValid[it.Source] = append(c.PolarityValid[it.Source], it)
		} else {
			c.Polarity = append(c.Polarity, it)
		}
	}
	for _, f := range []struct{ name, split string }{{"cnbc/train_90.csv.gz", "train"}, {"cnbc/validation_10.csv.gz", "valid"}} {
		rows, err := readCSV(f.name)
		if err != nil {
			return err
		}
		for n, r := range rows[1:] {
			title, label := strings.TrimSpace(r[0]), r[3]
			if PolarityIndex(label) < 0 {
				continue
			}
			it := Item{ID: fmt.Sprintf("cnbc-%s:%d", f.split, n+1), Title: title, Label: label, Kind: news.KindBerita,
				Source: "cnbc", Group: "cnbc:" + title, Weight: 0.5}
			switch {
			case f.split == "valid":
				c.PolarityValid["cnbc"] = append(c.PolarityValid["cnbc"], it)
			case inNews4[title]:
				c.CNBCDropped++ // cross-validation on the four classes must not have seen it
			default:
				c.Polarity = append(c.Polarity, it)
			}
		}
	}
	return nil
}

// nusaxWeight weighs the NusaX languages: Indonesian and Banjar (spoken in
// Kaltim) fully, the others half.
func nusaxWeight(lang string) float64 {
	if lang == "indonesian" || lang == "banjarese" {
		return 1
	}
	return 0.5
}

func (c *Corpus) loadUnlabelled() error {
	for _, name := range []string{"indosum/indosum_articles.jsonl.gz", "hoax/hoax_news_600.jsonl.gz"} {
		err := eachLine(name, func(n int, line string) error {
			var v struct{ Text, Summary string }
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				return fmt.Errorf("%s line %d: %w", name, n, err)
			}
			c.Unlabelled = append(c.Unlabelled, v.Text)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, it := range c.Issue {
		c.Unlabelled = append(c.Unlabelled, it.Title+"\n"+it.Text)
	}
	for _, it := range c.Polarity {
		c.Unlabelled = append(c.Unlabelled, it.Title+"\n"+it.Text)
	}
	return nil
}

// PolarityIndex maps dataset labels to the polarity classes (-1: none).
func PolarityIndex(label string) int {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "positive", "positif":
		return 0
	case "neutral", "netral":
		return 1
	case "negative", "negatif":
		return 2
	}
	return -1
}

// IssueIndex maps a four-class label to its index in news.Labels (-1: none).
func IssueIndex(label string) int {
	for i, l := range news.Labels {
		if l == label {
			return i
		}
	}
	return -1
}

func readCSV(name string) ([][]string, error) {
	f, err := data.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", name)
	}
	return rows, nil
}

// eachLine calls fn with each line of a data file, numbered from 1.
func eachLine(name string, fn func(n int, line string) error) error {
	f, err := data.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return scanLines(f, name, fn)
}

func scanLines(r io.Reader, name string, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for n := 1; sc.Scan(); n++ {
		if err := fn(n, sc.Text()); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
