package train

import (
	"fmt"
	"math"
	"strings"
)

// Eval holds per-class and overall scores of one set of predictions.
type Eval struct {
	Classes   []string
	Precision []float64
	Recall    []float64
	F1        []float64
	Support   []int
	MacroF1   float64
	Accuracy  float64
	Confusion [][]int // [gold][predicted]
	N         int
}

// Score compares predicted with gold class indices.
func Score(classes []string, gold, pred []int) Eval {
	k := len(classes)
	e := Eval{Classes: classes, Precision: make([]float64, k), Recall: make([]float64, k), F1: make([]float64, k),
		Support: make([]int, k), Confusion: make([][]int, k), N: len(gold)}
	for i := range e.Confusion {
		e.Confusion[i] = make([]int, k)
	}
	correct := 0
	for i := range gold {
		e.Confusion[gold[i]][pred[i]]++
		if gold[i] == pred[i] {
			correct++
		}
	}
	present := 0
	for c := 0; c < k; c++ {
		tp := e.Confusion[c][c]
		var fp, fn int
		for o := 0; o < k; o++ {
			if o != c {
				fp += e.Confusion[o][c]
				fn += e.Confusion[c][o]
			}
		}
		e.Support[c] = tp + fn
		if tp+fp > 0 {
			e.Precision[c] = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			e.Recall[c] = float64(tp) / float64(tp+fn)
		}
		if e.Precision[c]+e.Recall[c] > 0 {
			e.F1[c] = 2 * e.Precision[c] * e.Recall[c] / (e.Precision[c] + e.Recall[c])
		}
		// Macro-F1 over the classes present in gold or predictions (a
		// class absent from both, e.g. negatif among press releases,
		// would add a meaningless zero).
		if tp+fp+fn > 0 {
			e.MacroF1 += e.F1[c]
			present++
		}
	}
	if present > 0 {
		e.MacroF1 /= float64(present)
	}
	if len(gold) > 0 {
		e.Accuracy = float64(correct) / float64(len(gold))
	}
	return e
}

// MacroF1Min is the mean F1 over the classes with at least min gold
// items: a class with one or two items in a slice (one positif among the
// hoax articles, one negatif among the press releases) would swing a
// slice's macro-F1 by a quarter with one item.
func (e Eval) MacroF1Min(min int) float64 {
	var s float64
	n := 0
	for c := range e.Classes {
		if e.Support[c] >= min {
			s += e.F1[c]
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}

// String prints the evaluation as a table (Bahasa Indonesia headings:
// `pantau eval` shows it to analysts).
func (e Eval) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %9s %9s %9s %8s\n", "kelas", "presisi", "recall", "F1", "jumlah")
	for i, c := range e.Classes {
		fmt.Fprintf(&b, "%-20s %9.3f %9.3f %9.3f %8d\n", c, e.Precision[i], e.Recall[i], e.F1[i], e.Support[i])
	}
	fmt.Fprintf(&b, "\nmakro-F1 %.3f   akurasi %.3f   (%d item)\n\nmatriks kebingungan (baris: label benar, kolom: prediksi)\n", e.MacroF1, e.Accuracy, e.N)
	fmt.Fprintf(&b, "%-20s", "")
	for _, c := range e.Classes {
		fmt.Fprintf(&b, " %10.10s", c)
	}
	b.WriteByte('\n')
	for i, row := range e.Confusion {
		fmt.Fprintf(&b, "%-20s", e.Classes[i])
		for _, v := range row {
			fmt.Fprintf(&b, " %10d", v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// ECE is the expected calibration error of the confidences (the
// probability of the predicted class) in ten equal-width bins: the
// weighted mean gap between confidence and accuracy.
func ECE(conf []float64, correct []bool) float64 {
	const bins = 10
	var n [bins]int
	var c, a [bins]float64
	for i, p := range conf {
		b := min(int(p*bins), bins-1)
		n[b]++
		c[b] += p
		if correct[i] {
			a[b]++
		}
	}
	var e float64
	for b := range n {
		if n[b] > 0 {
			e += math.Abs(c[b]-a[b]) / float64(len(conf))
		}
	}
	return e
}
