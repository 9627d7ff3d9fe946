package issuemap

import (
	_ "embed"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/store"
)

//go:embed rules.yaml
var defaultRules []byte

// Rule is one communication-strategy rule, as an office writes it.
type Rule struct {
	Name string `yaml:"name"`
	When struct {
		KeywordsAny     []string `yaml:"keywords_any"`
		NegShareMin     float64  `yaml:"neg_share_min"`
		PosShareMin     float64  `yaml:"pos_share_min"`
		NeutralShareMin float64  `yaml:"neutral_share_min"`
		NegTodayMin     float64  `yaml:"neg_share_today_min"`
		Spike           bool     `yaml:"spike"`
		MinMentions     int      `yaml:"min_mentions"`
	} `yaml:"when"`
	Strategy string `yaml:"strategy"`
	Urgency  string `yaml:"urgency"`
	Explain  string `yaml:"explain"`
}

// Recommendation is the drafted strategy for one issue; the analyst decides.
type Recommendation struct {
	Strategy string `json:"strategy"` // publikasi, sosialisasi, seremoni, entertain, respons cepat, klarifikasi
	Urgency  string `json:"urgency"`  // tinggi, sedang, rendah
	OPD      string `json:"opd"`
	Rule     string `json:"rule"`
	Reason   string `json:"reason"`
}

// Rules are the loaded rule set.
type Rules []Rule

// DefaultRules returns the shipped rules.
func DefaultRules() (Rules, error) { return parseRules("rules.yaml", defaultRules) }

// LoadRules reads an office's own rules file.
func LoadRules(path string) (Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseRules(path, data)
}

var strategies = map[string]bool{"publikasi": true, "sosialisasi": true, "seremoni": true, "entertain": true,
	"respons cepat": true, "klarifikasi": true}

func parseRules(name string, data []byte) (Rules, error) {
	var r Rules
	if err := yaml.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, x := range r {
		if !strategies[x.Strategy] {
			return nil, fmt.Errorf("%s: rule %d (%s): unknown strategy %q", name, i+1, x.Name, x.Strategy)
		}
	}
	if len(r) == 0 {
		return nil, fmt.Errorf("%s: no rules", name)
	}
	return r, nil
}

// Recommend applies the first matching rule to an issue's figures.
func (rs Rules) Recommend(s store.IssueSummary) Recommendation {
	text := strings.ToLower(s.Name + " " + strings.Join(s.KeyPhrases, " "))
	share := func(i int) float64 {
		if s.Mentions == 0 {
			return 0
		}
		return float64(s.ByLabel[i]) / float64(s.Mentions)
	}
	opd := "OPD terkait"
	if len(s.OPDs) > 0 {
		opd = s.OPDs[0]
	}
	for _, r := range rs {
		w := r.When
		if len(w.KeywordsAny) > 0 {
			hit := false
			for _, k := range w.KeywordsAny {
				if strings.Contains(text, strings.ToLower(k)) {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
		}
		if s.NegShare() < w.NegShareMin || share(0) < w.PosShareMin || share(1) < w.NeutralShareMin || s.NegShareToday < w.NegTodayMin ||
			(w.Spike && !s.Spike) || s.Mentions < w.MinMentions {
			continue
		}
		reason := strings.NewReplacer(
			"{neg_pct}", indonesian.Decimal(100*s.NegShare(), 0),
			"{neg_today_pct}", indonesian.Decimal(100*s.NegShareToday, 0),
			"{pos_pct}", indonesian.Decimal(100*share(0), 0),
			"{mentions}", indonesian.Int(int64(s.Mentions)),
			"{today}", indonesian.Int(int64(s.Today)),
			"{baseline}", indonesian.Decimal(s.Baseline, 1),
			"{opd}", opd,
			"{name}", s.Name,
		).Replace(r.Explain)
		return Recommendation{Strategy: r.Strategy, Urgency: r.Urgency, OPD: opd, Rule: r.Name, Reason: reason}
	}
	return Recommendation{Strategy: "publikasi", Urgency: "rendah", OPD: opd, Rule: "-", Reason: "Tidak ada aturan yang cocok."}
}
