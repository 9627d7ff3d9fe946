package issuemap

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
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
		NegShareMax     *float64 `yaml:"neg_share_max"`
		PosShareMin     float64  `yaml:"pos_share_min"`
		NeutralShareMin float64  `yaml:"neutral_share_min"`
		NegatifMin      int      `yaml:"negatif_min"`
		NegTodayMin     float64  `yaml:"neg_share_today_min"`
		Spike           bool     `yaml:"spike"`
		Lifecycle       string   `yaml:"lifecycle"`
		MinMentions     int      `yaml:"min_mentions"`
	} `yaml:"when"`
	Strategy string `yaml:"strategy"`
	Urgency  string `yaml:"urgency"`
	Explain  string `yaml:"explain"`
}

// The strategies: the seed's four, the answer to a problem, the
// clarification of a hoax, and monitoring.
const (
	Publikasi    = "publikasi"
	Sosialisasi  = "sosialisasi"
	Seremoni     = "seremoni"
	Entertain    = "entertain"
	ResponsCepat = "respons cepat"
	Klarifikasi  = "klarifikasi"
	Pantau       = "pantau"
)

// Strategies lists them.
var Strategies = []string{Publikasi, Sosialisasi, Seremoni, Entertain, ResponsCepat, Klarifikasi, Pantau}

// Celebrating strategies are never offered for an issue that is mostly
// negatif or berpotensi negatif.
var celebrating = map[string]bool{Publikasi: true, Seremoni: true, Entertain: true}

// Urgencies, most urgent first.
var Urgencies = []string{"tinggi", "sedang", "rendah"}

// Recommendation is the drafted strategy for one issue; the analyst decides.
type Recommendation struct {
	Strategy string   `json:"strategy"` // one of Strategies
	Urgency  string   `json:"urgency"`  // the rule's: tinggi, sedang, rendah
	OPD      string   `json:"opd"`      // the office that should act
	Channels []string `json:"channels"` // where to answer: where the issue spreads
	Rule     string   `json:"rule"`
	Reason   string   `json:"reason"`
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

func parseRules(name string, data []byte) (Rules, error) {
	var r Rules
	if err := yaml.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i, x := range r {
		if !slices.Contains(Strategies, x.Strategy) {
			return nil, fmt.Errorf("%s: rule %d (%s): unknown strategy %q (%s)", name, i+1, x.Name, x.Strategy, strings.Join(Strategies, ", "))
		}
		if !slices.Contains(Urgencies, x.Urgency) {
			return nil, fmt.Errorf("%s: rule %d (%s): unknown urgency %q (tinggi, sedang, rendah)", name, i+1, x.Name, x.Urgency)
		}
		if l := x.When.Lifecycle; l != "" && !slices.Contains(Lifecycles, l) {
			return nil, fmt.Errorf("%s: rule %d (%s): unknown lifecycle %q (%s)", name, i+1, x.Name, l, strings.Join(Lifecycles, ", "))
		}
	}
	if len(r) == 0 {
		return nil, fmt.Errorf("%s: no rules", name)
	}
	return r, nil
}

// fallback is the recommendation when no rule matches (an office's own
// rules may lack a catch-all): monitor.
var fallback = Rule{Name: "-", Strategy: Pantau, Urgency: "rendah", Explain: "Tidak ada aturan yang cocok: pantau perkembangan isu."}

// Recommend applies the first matching rule to an issue's figures (read
// through Issues, so its spike, lifecycle and spread are set), passing
// over a celebrating rule for an issue that is mostly negative, and picks
// the channels from where the issue spreads.
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
	negative := s.NegShare() >= 0.5
	fired := fallback
	for _, r := range rs {
		w := r.When
		if len(w.KeywordsAny) > 0 && !slices.ContainsFunc(w.KeywordsAny, func(k string) bool {
			return strings.Contains(text, strings.ToLower(k))
		}) {
			continue
		}
		if s.NegShare() < w.NegShareMin || w.NegShareMax != nil && s.NegShare() > *w.NegShareMax ||
			share(0) < w.PosShareMin || share(1) < w.NeutralShareMin || s.ByLabel[3] < w.NegatifMin ||
			s.NegShareToday < w.NegTodayMin || (w.Spike && !s.Spike) || s.Mentions < w.MinMentions ||
			w.Lifecycle != "" && w.Lifecycle != s.Lifecycle {
			continue
		}
		if negative && celebrating[r.Strategy] {
			continue
		}
		fired = r
		break
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
	).Replace(fired.Explain)
	return Recommendation{Strategy: fired.Strategy, Urgency: fired.Urgency, OPD: opd, Channels: channels(s, fired, opd),
		Rule: fired.Name, Reason: reason}
}

// Platform names as the analysts write them.
var platformNames = map[string]string{"facebook": "Facebook", "instagram": "Instagram", "tiktok": "TikTok", "x": "X",
	"youtube": "YouTube", "telegram": "Telegram"}

// channels chooses where to answer from where the issue spreads: an
// issue carried by social posts is answered on the office's account on
// the platform it spreads on (and, for an answer, by replying to the
// posts themselves); one carried by news through a press release, or a
// press conference when urgent.
func channels(s store.IssueSummary, r Rule, opd string) []string {
	if r.Strategy == Pantau {
		return []string{}
	}
	social := s.ByKind[2]
	news := s.Mentions - social
	platform := "Instagram"
	if len(s.Platforms) > 0 {
		if p, ok := platformNames[s.Platforms[0]]; ok {
			platform = p
		}
	}
	account := "akun " + platform + " resmi " + opd
	answer := r.Strategy == ResponsCepat || r.Strategy == Klarifikasi
	var out []string
	if social > 0 && social >= news {
		if answer {
			out = append(out, "balasan langsung pada unggahan warga")
		}
		out = append(out, account)
	}
	if news > 0 {
		if answer && r.Urgency == "tinggi" {
			out = append(out, "konferensi pers")
		}
		out = append(out, "siaran pers")
	}
	if social > 0 && social < news {
		out = append(out, account)
	}
	if len(out) == 0 {
		out = append(out, "siaran pers")
	}
	return out
}
