package classifier

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Spec is what training hands over to build a model file (see Encode).
type Spec struct {
	Header Header // table sizes and scales are filled in by Encode
	Words  []SpecWord
	// Surfaces maps every surface form the model knows (standard words
	// themselves, slang and Banjar forms) to an index into Words.
	Surfaces map[string]int
	Bigrams  []SpecBigram
}

// SpecWord is one standard word's row.
type SpecWord struct {
	Word  string
	Row   [uniCols]float32
	Flags uint8
}

// SpecBigram is one bigram's row; A and B index Words.
type SpecBigram struct {
	A, B int
	Row  [biCols]float32
}

// Row layout and flags, for training.
const (
	UniCols = uniCols
	BiCols  = biCols

	ColNB     = colNB
	ColLR     = colLR
	ColVec    = colVec
	ColKaltim = colKaltim
	ColDomain = colDomain
	ColPolLR  = colPolLR
	ColPolVec = colPolVec

	BiNB     = biNB
	BiLR     = biLR
	BiKaltim = biKaltim
	BiPolLR  = biPolLR

	StackInputs = stackInputs
	InViews     = inViews
	InPol       = inPol
	InKind      = inKind
	InDomain    = inDomain
	InInter     = inInter

	FlagNoEvidence = flagNoEvidence
	FlagVector     = flagVector
	FlagNegator    = flagNegator
)

// Encode writes a model file. Weights are stored as int8 with a
// power-of-two scale per view and row (naive Bayes rows are centred first:
// a constant added to all four classes changes nothing).
func Encode(s *Spec) ([]byte, error) {
	h := s.Header
	h.Words, h.Bigrams = len(s.Words), len(s.Bigrams)
	if h.Words >= 1<<24 {
		return nil, fmt.Errorf("%d words: too many for the table", h.Words)
	}
	// The word table: surface form → row and flags, by hash.
	h.WordSlots = slotsFor(len(s.Surfaces))
	words := make([]byte, h.WordSlots*8)
	mask := uint64(h.WordSlots - 1)
	surfaces := make([]string, 0, len(s.Surfaces))
	for surface := range s.Surfaces {
		surfaces = append(surfaces, surface)
	}
	sort.Strings(surfaces) // the same table for the same model
	for _, surface := range surfaces {
		i := s.Surfaces[surface]
		if i < 0 || i >= len(s.Words) {
			return nil, fmt.Errorf("surface %q points at word %d of %d", surface, i, len(s.Words))
		}
		k := WordHash(surface)
		check := uint32(k>>32) | 1
		for j := k & mask; ; j = (j + 1) & mask {
			slot := words[j*8 : j*8+8]
			c := binary.LittleEndian.Uint32(slot)
			if c == check {
				break // the same hash: the first word keeps it (odds ~1e-9)
			}
			if c == 0 {
				binary.LittleEndian.PutUint32(slot, check)
				binary.LittleEndian.PutUint32(slot[4:], uint32(i)<<8|uint32(s.Words[i].Flags))
				break
			}
		}
	}
	h.BigramSlots = slotsFor(len(s.Bigrams))
	bigrams := make([]byte, h.BigramSlots*8)
	mask = uint64(h.BigramSlots - 1)
	for i, b := range s.Bigrams {
		k := BigramHash(int32(b.A), int32(b.B))
		check := uint32(k>>32) | 1
		for j := k & mask; ; j = (j + 1) & mask {
			slot := bigrams[j*8 : j*8+8]
			c := binary.LittleEndian.Uint32(slot)
			if c == check {
				break
			}
			if c == 0 {
				binary.LittleEndian.PutUint32(slot, check)
				binary.LittleEndian.PutUint32(slot[4:], uint32(i+1))
				break
			}
		}
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteString(magic)
	binary.Write(&out, binary.LittleEndian, uint32(len(hdr)))
	out.Write(hdr)
	out.Write(words)
	for _, w := range s.Words {
		row := w.Row
		centre(row[colNB : colNB+nIssue])
		out.Write(encodeRow(row[:], uniGroups[:]))
	}
	out.Write(bigrams)
	for _, b := range s.Bigrams {
		row := b.Row
		centre(row[biNB : biNB+nIssue])
		out.Write(encodeRow(row[:], biGroups[:]))
	}
	return out.Bytes(), nil
}

// encodeRow stores a row: per group an exponent e, then each weight as
// round(w / 2^e) in int8, e the smallest that fits the group's largest
// weight.
func encodeRow(row []float32, groups [][2]int) []byte {
	out := make([]byte, len(groups)+len(row))
	for g, cols := range groups {
		var m float64
		for _, w := range row[cols[0]:cols[1]] {
			m = math.Max(m, math.Abs(float64(w)))
		}
		e := -100
		if m > 0 {
			e = int(math.Ceil(math.Log2(m / 127)))
		}
		e = max(-100, min(100, e))
		for m > 0 && math.Round(m/math.Ldexp(1, e)) > 127 {
			e++
		}
		out[g] = byte(int8(e))
		for c := cols[0]; c < cols[1]; c++ {
			q := math.Round(float64(row[c]) / math.Ldexp(1, e))
			out[len(groups)+c] = byte(int8(max(-127, min(127, q))))
		}
	}
	return out
}

func centre(x []float32) {
	var m float32
	for _, v := range x {
		m += v
	}
	m /= float32(len(x))
	for i := range x {
		x[i] -= m
	}
}

// slotsFor returns a power of two at least 1.5 times n (and at least 8).
func slotsFor(n int) int {
	s := 8
	for s < n+n/2 {
		s *= 2
	}
	return s
}

// Named returns model bytes b with its version set to name (the tables
// are unchanged).
func Named(b []byte, name string) ([]byte, error) {
	m, err := Load(b)
	if err != nil {
		return nil, err
	}
	h := m.h
	h.Version = name
	hdr, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	old := int(binary.LittleEndian.Uint32(b[len(magic):]))
	var out bytes.Buffer
	out.WriteString(magic)
	binary.Write(&out, binary.LittleEndian, uint32(len(hdr)))
	out.Write(hdr)
	out.Write(b[len(magic)+4+old:])
	return out.Bytes(), nil
}

// ContentName is the version of a model named by its contents:
// "pantau-stack-" and the first ten hex digits of the SHA-256 of the model
// bytes named "pantau-stack". The same data and code give the same name.
func ContentName(b []byte) (string, error) {
	base, err := Named(b, "pantau-stack")
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(base)
	return "pantau-stack-" + hex.EncodeToString(sum[:])[:10], nil
}
