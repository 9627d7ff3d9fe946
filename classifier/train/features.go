package train

import (
	"math"
	"sort"
)

// Vocab numbers feature names.
type Vocab struct {
	ids   map[string]int32
	Names []string
}

// NewVocab returns an empty vocabulary.
func NewVocab() *Vocab { return &Vocab{ids: map[string]int32{}} }

// Add returns the id of name, adding it if new.
func (v *Vocab) Add(name string) int32 {
	if id, ok := v.ids[name]; ok {
		return id
	}
	id := int32(len(v.Names))
	v.ids[name] = id
	v.Names = append(v.Names, name)
	return id
}

// ID returns the id of name.
func (v *Vocab) ID(name string) (int32, bool) {
	id, ok := v.ids[name]
	return id, ok
}

// Len is the number of names.
func (v *Vocab) Len() int { return len(v.Names) }

// Ngrams returns the word unigrams and bigrams of a document.
func Ngrams(words []string) []string {
	out := make([]string, 0, 2*len(words))
	out = append(out, words...)
	for i := 1; i < len(words); i++ {
		out = append(out, words[i-1]+" "+words[i])
	}
	return out
}

// PartNgrams returns the unigrams and bigrams of a document read in parts
// (classifier.Words): no bigram spans two parts.
func PartNgrams(parts [][]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, Ngrams(p)...)
	}
	return out
}

// Counts builds the count matrix of the documents' features, adding
// their names to v.
func Counts(v *Vocab, docs [][]string) *Sparse {
	X := &Sparse{Ptr: []int{0}}
	for _, d := range docs {
		m := map[int32]float32{}
		for _, f := range d {
			m[v.Add(f)]++
		}
		idx := make([]int32, 0, len(m))
		for id := range m {
			idx = append(idx, id)
		}
		sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
		val := make([]float32, len(idx))
		for j, id := range idx {
			val[j] = m[id]
		}
		X.appendRow(idx, val)
	}
	X.Cols = v.Len()
	return X
}

// TFIDF weighs counts by inverse document frequency — smooth idf,
// ln((1+n)/(1+df))+1, with df counted over the rows given — and scales
// each row to unit length (what scikit-learn's TfidfVectorizer does by
// default).
func TFIDF(X *Sparse, rows []int) *Sparse {
	df := make([]float64, X.Cols)
	for _, i := range rows {
		idx, _ := X.Row(i)
		for _, c := range idx {
			df[c]++
		}
	}
	n := float64(len(rows))
	idf := make([]float32, X.Cols)
	for c := range idf {
		idf[c] = float32(math.Log((1+n)/(1+df[c])) + 1)
	}
	out := &Sparse{Ptr: append([]int(nil), X.Ptr...), Idx: X.Idx, Val: make([]float32, len(X.Val)), Cols: X.Cols}
	for i := 0; i < X.Rows(); i++ {
		lo, hi := X.Ptr[i], X.Ptr[i+1]
		var norm float64
		for j := lo; j < hi; j++ {
			v := X.Val[j] * idf[X.Idx[j]]
			out.Val[j] = v
			norm += float64(v) * float64(v)
		}
		if norm > 0 {
			s := float32(1 / math.Sqrt(norm))
			for j := lo; j < hi; j++ {
				out.Val[j] *= s
			}
		}
	}
	return out
}
