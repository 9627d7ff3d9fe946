package train

import (
	"hash/fnv"
	"math/rand/v2"
	"sort"
)

// Folds assigns each item to one of k folds: the items of one group (a
// Kaltim story, one article, one NusaX sentence in every language) share
// a fold, and each label is spread evenly (groups are dealt round-robin
// per label of their first item). The assignment depends on the seed and
// on the groups only, not on item order.
func Folds(items []Item, k int, seed uint64) []int {
	if k < 1 {
		k = 1
	}
	type group struct {
		name  string
		label string
		items []int
	}
	byName := map[string]*group{}
	var groups []*group
	for i, it := range items {
		g := byName[it.Group]
		if g == nil {
			g = &group{name: it.Group, label: it.Label}
			byName[it.Group] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, i)
	}
	// Order groups by a seeded hash of their name: reproducible, and
	// independent of file order.
	key := func(name string) uint64 {
		h := fnv.New64a()
		h.Write([]byte(name))
		return h.Sum64() ^ seed*0x9e3779b97f4a7c15
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].label != groups[j].label {
			return groups[i].label < groups[j].label
		}
		return key(groups[i].name) < key(groups[j].name)
	})
	rng := rand.New(rand.NewPCG(seed, 11))
	fold := make([]int, len(items))
	next := rng.IntN(k)
	for _, g := range groups {
		for _, i := range g.items {
			fold[i] = next
		}
		next = (next + 1) % k
	}
	return fold
}

// split returns the indices of the items in fold f and the others.
func split(fold []int, f int) (train, test []int) {
	for i, x := range fold {
		if x == f {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}
