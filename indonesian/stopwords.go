// Package indonesian holds what Pantau knows of the Indonesian language:
// the stopword list shared by the classifier and the tagger, and the one
// way numbers and dates are written for readers (report, CLI, web app). It
// must not do I/O.
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
