package issuemap

import "strings"

// stem reduces an Indonesian word to a stem its derived forms share
// ("terendam", "merendam" → "rendam"; "pengerukan", "dikeruk" → "keruk";
// "keluhkan", "mengeluhkan", "keluhan" → "keluh"). It strips particles,
// possessives, the suffixes -kan, -an and -i, and the prefixes di-, ke-,
// ter-, ber-, me- and pe- with their nasal forms, without a dictionary:
// it errs towards leaving a word whole, and only its consistency matters
// here (the same stem for the forms a story's articles use).
func stem(w string) string {
	if len(w) < 6 {
		return dropK(w)
	}
	s := w
	for _, suf := range []string{"lah", "kah", "nya"} {
		if t, ok := strings.CutSuffix(s, suf); ok && len(t) >= 5 {
			s = t
			break
		}
	}
	// ke-…-an nouns ("kebakaran", "kerusakan"); a short middle means the
	// ke belongs to the root ("keluhan").
	if m, ok := strings.CutPrefix(s, "ke"); ok && strings.HasSuffix(m, "an") && len(m) >= 7 {
		return dropK(m[:len(m)-2])
	}
	root, prefixed := stripPrefix(s)
	for _, suf := range []string{"kan", "an"} {
		if t, ok := strings.CutSuffix(root, suf); ok && len(t) >= 4 {
			root = t
			break
		}
	}
	if prefixed {
		if t, ok := strings.CutSuffix(root, "i"); ok && len(t) >= 4 && !strings.HasSuffix(t, "i") {
			root = t
		}
	}
	if len(root) < 4 {
		return w
	}
	return dropK(root)
}

// dropK removes a root's final k after a vowel, so the two readings of
// "-kan" agree ("pengerukan" as keru+kan and "dikeruk" as keruk).
func dropK(s string) string {
	if n := len(s); n >= 5 && s[n-1] == 'k' && vowel(s[n-2]) {
		return s[:n-1]
	}
	return s
}

func vowel(b byte) bool { return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u' }

// stripPrefix removes up to two derivational prefixes.
func stripPrefix(s string) (string, bool) {
	stripped := false
	for range 2 {
		t := stripOne(s)
		if t == s || len(t) < 4 {
			break
		}
		s, stripped = t, true
	}
	return s, stripped
}

func stripOne(s string) string {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	switch {
	case strings.HasPrefix(s, "meny") && vowel(at(4)):
		return "s" + s[4:]
	case strings.HasPrefix(s, "peny") && vowel(at(4)):
		return "s" + s[4:]
	case strings.HasPrefix(s, "meng"), strings.HasPrefix(s, "peng"):
		// k-roots lose their k ("mengeluh"), vowel roots do not
		// ("mengangkut"): e and u roots are mostly k-roots.
		if at(4) == 'e' || at(4) == 'u' {
			return "k" + s[4:]
		}
		return s[4:]
	case strings.HasPrefix(s, "mem"), strings.HasPrefix(s, "pem"):
		if vowel(at(3)) {
			return "p" + s[3:]
		}
		return s[3:]
	case strings.HasPrefix(s, "men"), strings.HasPrefix(s, "pen"):
		if vowel(at(3)) {
			return "t" + s[3:]
		}
		return s[3:]
	case strings.HasPrefix(s, "ter"), strings.HasPrefix(s, "ber"), strings.HasPrefix(s, "per"):
		if vowel(at(3)) {
			return s[2:] // ter-rendam → "rendam"
		}
		return s[3:]
	case strings.HasPrefix(s, "me"), strings.HasPrefix(s, "pe"):
		switch at(2) {
		case 'l', 'r', 'w', 'y', 'm', 'n':
			return s[2:]
		}
	case strings.HasPrefix(s, "di"):
		return s[2:]
	}
	return s
}
