package train

import (
	"math"
)

// Sparse is a row-major sparse matrix: row i holds the columns
// Idx[Ptr[i]:Ptr[i+1]] with values Val[…].
type Sparse struct {
	Ptr  []int
	Idx  []int32
	Val  []float32
	Cols int
}

// Row returns row i's columns and values.
func (s *Sparse) Row(i int) ([]int32, []float32) {
	return s.Idx[s.Ptr[i]:s.Ptr[i+1]], s.Val[s.Ptr[i]:s.Ptr[i+1]]
}

// Rows is the number of rows.
func (s *Sparse) Rows() int { return len(s.Ptr) - 1 }

// appendRow adds a row.
func (s *Sparse) appendRow(idx []int32, val []float32) {
	if len(s.Ptr) == 0 {
		s.Ptr = append(s.Ptr, 0)
	}
	s.Idx = append(s.Idx, idx...)
	s.Val = append(s.Val, val...)
	s.Ptr = append(s.Ptr, len(s.Idx))
}

// Softmax is a multinomial logistic regression: scores = x·W + B.
type Softmax struct {
	K, F int
	W    []float64 // F x K, row-major
	B    []float64 // K
}

// Scores returns the class scores (logits) of row i of X.
func (m *Softmax) Scores(X *Sparse, i int, out []float64) {
	copy(out, m.B)
	idx, val := X.Row(i)
	for j, c := range idx {
		if int(c) >= m.F {
			continue
		}
		w := m.W[int(c)*m.K : int(c)*m.K+m.K]
		v := float64(val[j])
		for k := range out {
			out[k] += v * w[k]
		}
	}
}

// FitSoftmax trains a softmax regression on the given rows of X with
// labels y (indexed like X's rows) and example weights w, minimising the
// weighted mean cross-entropy plus l2/2·|W|² (biases are not penalised)
// with L-BFGS. Columns that no training row uses keep weight 0 and are
// left out of the optimisation. It is deterministic.
func FitSoftmax(X *Sparse, rows []int, y []int, w []float64, k int, l2 float64, maxIter int) *Softmax {
	// Compact the used columns.
	local := make([]int32, X.Cols)
	for i := range local {
		local[i] = -1
	}
	var cols []int32
	ptr := make([]int, 0, len(rows)+1)
	ptr = append(ptr, 0)
	var idx []int32
	var val []float64
	for _, i := range rows {
		ri, rv := X.Row(i)
		for j, c := range ri {
			if local[c] < 0 {
				local[c] = int32(len(cols))
				cols = append(cols, c)
			}
			idx = append(idx, local[c])
			val = append(val, float64(rv[j]))
		}
		ptr = append(ptr, len(idx))
	}
	F := len(cols)
	n := F*k + k
	var wsum float64
	for _, i := range rows {
		wsum += w[i]
	}
	s := make([]float64, k)
	f := func(theta, grad []float64) float64 {
		clear(grad)
		W, B := theta[:F*k], theta[F*k:]
		gW, gB := grad[:F*k], grad[F*k:]
		var loss float64
		for r, i := range rows {
			copy(s, B)
			ri, rv := idx[ptr[r]:ptr[r+1]], val[ptr[r]:ptr[r+1]]
			for j, c := range ri {
				wr := W[int(c)*k : int(c)*k+k]
				v := rv[j]
				for c2 := range s {
					s[c2] += v * wr[c2]
				}
			}
			lse := logSumExp(s)
			wi := w[i] / wsum
			loss -= wi * (s[y[i]] - lse)
			for c2 := range s {
				g := math.Exp(s[c2] - lse)
				if c2 == y[i] {
					g--
				}
				s[c2] = g * wi
			}
			for j, c := range ri {
				gr := gW[int(c)*k : int(c)*k+k]
				v := rv[j]
				for c2 := range s {
					gr[c2] += v * s[c2]
				}
			}
			for c2 := range s {
				gB[c2] += s[c2]
			}
		}
		for j, v := range W {
			loss += 0.5 * l2 * v * v
			gW[j] += l2 * v
		}
		return loss
	}
	theta := lbfgs(f, make([]float64, n), maxIter)
	m := &Softmax{K: k, F: X.Cols, W: make([]float64, X.Cols*k), B: theta[F*k:]}
	for lc, c := range cols {
		copy(m.W[int(c)*k:int(c)*k+k], theta[lc*k:lc*k+k])
	}
	return m
}

func logSumExp(s []float64) float64 {
	m := math.Inf(-1)
	for _, v := range s {
		m = math.Max(m, v)
	}
	var z float64
	for _, v := range s {
		z += math.Exp(v - m)
	}
	return m + math.Log(z)
}

// lbfgs minimises f from x0 with limited-memory BFGS (10 pairs) and a
// backtracking line search; it stops after maxIter iterations or when the
// objective stops moving.
func lbfgs(f func(x, g []float64) float64, x []float64, maxIter int) []float64 {
	const m = 10
	n := len(x)
	g := make([]float64, n)
	fx := f(x, g)
	var S, Y [][]float64
	var rho []float64
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	alpha := make([]float64, m)
	for it := 0; it < maxIter; it++ {
		// Two-loop recursion: d = -H·g.
		copy(d, g)
		for i := len(S) - 1; i >= 0; i-- {
			alpha[i] = rho[i] * dot(S[i], d)
			axpy(-alpha[i], Y[i], d)
		}
		if len(S) > 0 {
			l := len(S) - 1
			scale(d, dot(S[l], Y[l])/dot(Y[l], Y[l]))
		} else {
			scale(d, 1/math.Max(1, math.Sqrt(dot(g, g))))
		}
		for i := range S {
			b := rho[i] * dot(Y[i], d)
			axpy(alpha[i]-b, S[i], d)
		}
		scale(d, -1)
		gd := dot(g, d)
		if gd >= 0 { // not a descent direction: restart
			S, Y, rho = nil, nil, nil
			copy(d, g)
			scale(d, -1/math.Max(1, math.Sqrt(dot(g, g))))
			gd = dot(g, d)
		}
		step := 1.0
		var fNew float64
		ok := false
		for try := 0; try < 30; try++ {
			for i := range x {
				xNew[i] = x[i] + step*d[i]
			}
			fNew = f(xNew, gNew)
			if fNew <= fx+1e-4*step*gd {
				ok = true
				break
			}
			step *= 0.5
		}
		if !ok {
			break
		}
		var s, y []float64
		if len(S) == m { // reuse the oldest pair's buffers
			s, y = S[0], Y[0]
		} else {
			s, y = make([]float64, n), make([]float64, n)
		}
		for i := range x {
			s[i] = xNew[i] - x[i]
			y[i] = gNew[i] - g[i]
		}
		if len(S) == m { // the oldest pair's buffers now hold the new pair
			S, Y, rho = S[1:], Y[1:], rho[1:]
		}
		if sy := dot(s, y); sy > 1e-12 {
			S, Y, rho = append(S, s), append(Y, y), append(rho, 1/sy)
		}
		x, xNew = xNew, x
		g, gNew = gNew, g
		done := math.Abs(fx-fNew) <= 1e-7*math.Max(1, math.Abs(fx))
		fx = fNew
		if done {
			break
		}
	}
	return x
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i := range x {
		y[i] += a * x[i]
	}
}

func scale(x []float64, a float64) {
	for i := range x {
		x[i] *= a
	}
}

// NaiveBayes is a multinomial naive Bayes over counts: scores =
// log prior + Σ count·log P(feature|class). Features unseen in training
// carry no weight.
type NaiveBayes struct {
	K, F   int
	LogP   []float64 // F x K
	Prior  []float64
	Unseen []bool
}

// FitNaiveBayes counts the given rows with additive smoothing alpha;
// prior false uses uniform class priors.
func FitNaiveBayes(X *Sparse, rows []int, y []int, w []float64, k int, alpha float64, prior bool) *NaiveBayes {
	F := X.Cols
	cnt := make([]float64, F*k)
	seen := make([]bool, F)
	cls := make([]float64, k)
	for _, i := range rows {
		idx, val := X.Row(i)
		for j, c := range idx {
			cnt[int(c)*k+y[i]] += w[i] * float64(val[j])
			seen[c] = true
		}
		cls[y[i]] += w[i]
	}
	V := 0
	for _, s := range seen {
		if s {
			V++
		}
	}
	tot := make([]float64, k)
	for c := 0; c < F; c++ {
		if !seen[c] {
			continue
		}
		for y := 0; y < k; y++ {
			tot[y] += cnt[c*k+y]
		}
	}
	nb := &NaiveBayes{K: k, F: F, LogP: make([]float64, F*k), Prior: make([]float64, k), Unseen: make([]bool, F)}
	for c := 0; c < F; c++ {
		if !seen[c] {
			nb.Unseen[c] = true
			continue
		}
		for y := 0; y < k; y++ {
			nb.LogP[c*k+y] = math.Log((cnt[c*k+y] + alpha) / (tot[y] + alpha*float64(V)))
		}
	}
	var n float64
	for _, v := range cls {
		n += v
	}
	for y := range nb.Prior {
		if prior {
			nb.Prior[y] = math.Log((cls[y] + 1) / (n + float64(k)))
		} else {
			nb.Prior[y] = math.Log(1 / float64(k))
		}
	}
	return nb
}

// Scores returns the log joint probabilities of row i of X.
func (nb *NaiveBayes) Scores(X *Sparse, i int, out []float64) {
	copy(out, nb.Prior)
	idx, val := X.Row(i)
	for j, c := range idx {
		if int(c) >= nb.F || nb.Unseen[c] {
			continue
		}
		r := nb.LogP[int(c)*nb.K : int(c)*nb.K+nb.K]
		for k := range out {
			out[k] += float64(val[j]) * r[k]
		}
	}
}
