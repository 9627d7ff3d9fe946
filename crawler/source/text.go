package source

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxTitle is the longest title made from a social text, in characters.
const maxTitle = 80

// TitleOf titles a social text as the office's labelled examples do: its
// first sentence or clause (up to the first . ! ? , or line break after a
// few words), at most 80 characters and cut at a word.
func TitleOf(text string) string {
	text = strings.TrimSpace(text)
	if line, _, ok := strings.Cut(text, "\n"); ok {
		text = strings.TrimSpace(line)
	}
	words := 0
	inWord := false
	for i, r := range text {
		if unicode.IsSpace(r) {
			inWord = false
			continue
		}
		if !inWord {
			words++
			inWord = true
		}
		if words >= 4 && strings.ContainsRune(".!?,;", r) && !(r == '.' && abbreviation(text[:i])) {
			text = strings.TrimSpace(text[:i])
			break
		}
	}
	return Clip(text, maxTitle)
}

// Clip cuts s to at most n characters, at a word boundary when there is
// one, adding "…" when it cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if utf8.RuneCountInString(s[:i]) >= n-1 {
			cut = i
			break
		}
	}
	if sp := strings.LastIndexFunc(s[:cut], unicode.IsSpace); sp > cut/2 {
		cut = sp
	}
	return strings.TrimSpace(s[:cut]) + "…"
}

// abbreviation reports whether the word that ends before a full stop is
// short, as in "Jl." or "H.", so the stop does not end the sentence.
func abbreviation(before string) bool {
	word := before[strings.LastIndexFunc(before, unicode.IsSpace)+1:]
	return utf8.RuneCountInString(word) < 4
}
