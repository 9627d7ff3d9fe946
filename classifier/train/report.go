package train

import (
	"fmt"
	"runtime"
	"strings"
	"time"
)

// Markdown renders the training report written beside the model
// (REPORT.md).
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Model %s\n\nTrained by `pantau train` in %s on %s/%s (%d cores); %d bytes.\n\n", r.Version,
		r.Took.Round(time.Second), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), r.Size)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	if len(r.Slices) == 0 {
		b.WriteString("\nNo cross-validation was run (--folds 0): the figures below are missing on purpose.\n")
	} else {
		fmt.Fprintf(&b, `
## Four classes: %d-fold cross-validation

Folds are grouped — a Kaltim story's items, a news article, share a fold — and stratified by
label (seed %d). In every fold the whole training procedure runs on the other folds only:
vocabulary, idf, the settings of each view (by an inner 5-fold cross-validation on the training
part), the stacker (fitted on the inner folds' out-of-fold outputs) and the final views; the held-out
fold is then classified by the model file built from them, through the same code that
classifies in production. The two baselines are fitted on the same folds with settings fixed
beforehand: multinomial naive Bayes (add-one smoothing) and TF-IDF logistic regression (C = 1,
balanced classes), both over word unigrams and bigrams of the raw title and text.

Macro-F1 per source and kind (classes with fewer than %d items in a slice are left out of its
macro-F1; "news4" is the three national sources together, "kaltim" the three kinds of Kaltim
examples):

| slice | items | model | naive Bayes | TF-IDF LR | model accuracy |
|---|---:|---:|---:|---:|---:|
`, r.Folds, r.Seed, MinSupport)
		for _, s := range r.Slices {
			fmt.Fprintf(&b, "| %s | %d | **%.3f** | %.3f | %.3f | %.3f |\n", s.Name, s.N, s.Model, s.NB, s.LR, s.Accuracy)
		}
		b.WriteString("\nSettings chosen inside each outer fold (naive Bayes α, C of the count regression, of the vector regression, of the Kaltim regression):\n")
		for i, hp := range r.FoldHP {
			fmt.Fprintf(&b, "fold %d: %g / %g / %g / %g; ", i+1, hp.Alpha, hp.CLR, hp.CVec, hp.CKaltim)
		}
		fmt.Fprintf(&b, "final model: %g / %g / %g / %g.\n", r.FinalHP.Alpha, r.FinalHP.CLR, r.FinalHP.CVec, r.FinalHP.CKaltim)
		fmt.Fprintf(&b, "\n### Calibration\n\nExpected calibration error of the confidence (the probability of the chosen class), ten bins, over all folds: **%.3f**.\n\n| confidence | items | mean confidence | accuracy |\n|---|---:|---:|---:|\n", r.ECE)
		for i, bin := range r.ECEBins {
			if bin.N > 0 {
				fmt.Fprintf(&b, "| %.1f–%.1f | %d | %.3f | %.3f |\n", float64(i)/10, float64(i+1)/10, bin.N, bin.Conf, bin.Accuracy)
			}
		}
		for _, s := range r.Slices {
			if s.Name == "all" {
				fmt.Fprintf(&b, "\n### All items\n\n```\n%s```\n", s.Eval)
			}
		}
	}
	fmt.Fprintf(&b, "\n## Polarity\n\nC = %g, chosen by grouped 3-fold cross-validation on the polarity training data (macro-F1 %.3f there). Macro-F1 on the published validation splits, which training never reads:\n\n| set | items | macro-F1 |\n|---|---:|---:|\n", r.PolarityC, r.PolarityCV)
	for _, p := range r.Polarity {
		fmt.Fprintf(&b, "| %s | %d | %.3f |\n", p.Name, p.N, p.F1)
	}
	b.WriteString(`
## What is not measured here

- The word vectors are trained without labels on every text the project has, including the
  texts of items that later sit in a validation fold (their labels are never read).
- The views' make-up (which views, the domain gate, the grids) was settled while developing,
  on folds of the same data drawn with another seed; the figures above are the protocol's,
  not those used to decide.
- The project's held-out sets are not in the repository; their figures come from the lead.
`)
	return b.String()
}
