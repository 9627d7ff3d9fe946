package train

import (
	"bufio"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"github.com/schollz/progressbar/v3"
)

// Vectors are word vectors trained with skip-gram and negative sampling
// (word2vec) on unlabelled text.
type Vectors struct {
	Dim   int
	Words map[string]int32
	Vec   []float32 // len(Words) x Dim
	Freq  []float64 // relative frequency of each word in the corpus
}

// VectorOptions tune the word vectors.
type VectorOptions struct {
	Dim, Window, Negative, Epochs, MinCount int
	Seed                                    uint64
	Progress                                io.Writer
}

// TrainVectors learns word vectors from sentences (lists of words). It is
// single-threaded and deterministic for a seed.
func TrainVectors(sentences [][]string, o VectorOptions) *Vectors {
	counts := map[string]int{}
	var total int
	for _, s := range sentences {
		for _, w := range s {
			counts[w]++
			total++
		}
	}
	var words []string
	for w, n := range counts {
		if n >= o.MinCount {
			words = append(words, w)
		}
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	v := &Vectors{Dim: o.Dim, Words: make(map[string]int32, len(words)), Freq: make([]float64, len(words))}
	for i, w := range words {
		v.Words[w] = int32(i)
		v.Freq[i] = float64(counts[w]) / float64(total)
	}
	n := len(words)
	rng := rand.New(rand.NewPCG(o.Seed, 3))
	in := make([]float32, n*o.Dim)
	out := make([]float32, n*o.Dim)
	for i := range in {
		in[i] = (rng.Float32() - 0.5) / float32(o.Dim)
	}
	// Negative samples from the unigram distribution to the power 3/4.
	table := make([]int32, 10_000_000)
	var z float64
	for i := range words {
		z += math.Pow(float64(counts[words[i]]), 0.75)
	}
	j, acc := 0, 0.0
	for i := range words {
		acc += math.Pow(float64(counts[words[i]]), 0.75) / z
		for ; j < len(table) && float64(j)/float64(len(table)) < acc; j++ {
			table[j] = int32(i)
		}
	}
	for ; j < len(table); j++ {
		table[j] = int32(n - 1)
	}
	// Frequent words are subsampled (t = 1e-4).
	keep := make([]float64, n)
	for i := range keep {
		f := v.Freq[i]
		keep[i] = math.Min(1, (math.Sqrt(f/1e-4)+1)*1e-4/f)
	}
	var bar *progressbar.ProgressBar
	if o.Progress != nil {
		bar = newBar(o.Progress, o.Epochs*len(sentences), "vektor kata")
	}
	const lr0 = 0.025
	steps := float64(o.Epochs * total)
	done := 0.0
	grad := make([]float32, o.Dim)
	ids := make([]int32, 0, 1024)
	for ep := 0; ep < o.Epochs; ep++ {
		for _, s := range sentences {
			if bar != nil {
				bar.Add(1)
			}
			ids = ids[:0]
			for _, w := range s {
				if id, ok := v.Words[w]; ok && rng.Float64() < keep[id] {
					ids = append(ids, id)
				}
			}
			done += float64(len(s))
			lr := float32(lr0 * math.Max(1e-4, 1-done/steps))
			for p, center := range ids {
				win := 1 + rng.IntN(o.Window)
				for q := max(0, p-win); q < min(len(ids), p+win+1); q++ {
					if q == p {
						continue
					}
					ctx := ids[q]
					vi := in[int(ctx)*o.Dim : int(ctx)*o.Dim+o.Dim]
					for d := range grad {
						grad[d] = 0
					}
					for k := 0; k <= o.Negative; k++ {
						target, label := center, float32(1)
						if k > 0 {
							target = table[rng.IntN(len(table))]
							if target == center {
								continue
							}
							label = 0
						}
						vo := out[int(target)*o.Dim : int(target)*o.Dim+o.Dim]
						var f float32
						for d := range vi {
							f += vi[d] * vo[d]
						}
						g := (label - sigmoid32(f)) * lr
						for d := range vi {
							grad[d] += g * vo[d]
							vo[d] += g * vi[d]
						}
					}
					for d := range vi {
						vi[d] += grad[d]
					}
				}
			}
		}
	}
	if bar != nil {
		bar.Finish()
	}
	v.Vec = in
	return v
}

func sigmoid32(x float32) float32 {
	if x > 8 {
		return 1
	}
	if x < -8 {
		return 0
	}
	return float32(1 / (1 + math.Exp(-float64(x))))
}

// SIF is the smooth inverse-frequency weight of word i, a/(a+p(w)): rare
// words count more in a document's vector than frequent ones.
func (v *Vectors) SIF(i int32) float32 {
	const a = 1e-3
	return float32(a / (a + v.Freq[i]))
}

// Vector returns word w's vector.
func (v *Vectors) Vector(w string) ([]float32, int32, bool) {
	i, ok := v.Words[w]
	if !ok {
		return nil, -1, false
	}
	return v.Vec[int(i)*v.Dim : int(i)*v.Dim+v.Dim], i, true
}

// Vectors are stored as gzip-compressed text: a header line "pantau-vectors
// DIM N", then per word a line "WORD<TAB>SCALE<TAB>FREQ<TAB>BASE64" with the
// vector quantised to int8 (value = byte × scale), in frequency order.

// Quantise rounds the vectors to what Save stores, so that a model
// trained on freshly trained vectors equals one trained on them reloaded.
func (v *Vectors) Quantise() {
	for i := 0; i < len(v.Vec)/v.Dim; i++ {
		row := v.Vec[i*v.Dim : i*v.Dim+v.Dim]
		s := vecScale(row)
		for j := range row {
			row[j] = float32(quantInt8(row[j], s)) * s
		}
	}
}

func vecScale(row []float32) float32 {
	var m float32
	for _, x := range row {
		m = max(m, float32(math.Abs(float64(x))))
	}
	if m == 0 {
		return 1
	}
	return m / 127
}

func quantInt8(x, s float32) int8 {
	return int8(max(-127, min(127, math.Round(float64(x/s)))))
}

// Save writes the vectors (quantised).
func (v *Vectors) Save(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	words := make([]string, len(v.Words))
	for w, i := range v.Words {
		words[i] = w
	}
	fmt.Fprintf(bw, "pantau-vectors %d %d\n", v.Dim, len(words))
	buf := make([]byte, v.Dim)
	for i, w := range words {
		row := v.Vec[i*v.Dim : i*v.Dim+v.Dim]
		s := vecScale(row)
		for j, x := range row {
			buf[j] = byte(quantInt8(x, s))
		}
		fmt.Fprintf(bw, "%s\t%g\t%g\t%s\n", w, s, v.Freq[i], base64.RawStdEncoding.EncodeToString(buf))
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// ReadVectors reads vectors written by Save.
func ReadVectors(r io.Reader) (*Vectors, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("reading vectors: %w", err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("reading vectors: empty")
	}
	var dim, n int
	if _, err := fmt.Sscanf(sc.Text(), "pantau-vectors %d %d", &dim, &n); err != nil || dim <= 0 || n < 0 {
		return nil, fmt.Errorf("reading vectors: bad header %q", sc.Text())
	}
	v := &Vectors{Dim: dim, Words: make(map[string]int32, n), Vec: make([]float32, 0, n*dim), Freq: make([]float64, 0, n)}
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("reading vectors: line %d has %d fields", len(v.Freq)+2, len(f))
		}
		s, err1 := strconv.ParseFloat(f[1], 32)
		fr, err2 := strconv.ParseFloat(f[2], 64)
		b, err3 := base64.RawStdEncoding.DecodeString(f[3])
		if err1 != nil || err2 != nil || err3 != nil || len(b) != dim {
			return nil, fmt.Errorf("reading vectors: bad line %d", len(v.Freq)+2)
		}
		v.Words[f[0]] = int32(len(v.Freq))
		v.Freq = append(v.Freq, fr)
		for _, x := range b {
			v.Vec = append(v.Vec, float32(int8(x))*float32(s))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading vectors: %w", err)
	}
	if len(v.Freq) != n {
		return nil, fmt.Errorf("reading vectors: %d words, header says %d", len(v.Freq), n)
	}
	return v, nil
}
