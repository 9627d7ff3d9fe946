package classifier

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Report is the short training report written beside the model.
func Report(m *Trained, d *Data, took time.Duration) string {
	p := m.Params()
	var b strings.Builder
	fmt.Fprintf(&b, "# Model %s\n\nTrained in %s on %s/%s (%d cores).\n\n", p.Version, took.Round(time.Second), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	b.WriteString("\n## Validation (macro-F1)\n\n| set | macro-F1 |\n|---|---|\n")
	keys := make([]string, 0, len(p.Scores))
	for k := range p.Scores {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "| %s | %.3f |\n", k, p.Scores[k])
	}
	fmt.Fprintf(&b, "\n## Four classes on the news4 validation split\n\n```\n%s```\n", EvaluateIssue(m, d.IssueValid))
	fmt.Fprintf(&b, "\n## Polarity on SmSA valid\n\n```\n%s```\n", EvaluatePolarity(m, d.PolValid["smsa"]))
	return b.String()
}
