// Package indonesian holds language data shared by the classifier and the
// tagger: the Indonesian stopword list. It holds data only.
package indonesian

import (
	_ "embed"
	"strings"
)

//go:embed stopwords-id.txt
var stopwordList string

// Stopwords returns the Tala stopword list (see SOURCE.md) as a set.
func Stopwords() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(stopwordList) {
		m[w] = true
	}
	return m
}
