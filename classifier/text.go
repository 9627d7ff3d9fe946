package classifier

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// How an item's text becomes words. Training (package classifier/train)
// and prediction read text through these functions only, so both see the
// same words.

// MaxWords is how many words of an item are read: the lead carries an
// item's point, and a long tail adds time and little else.
const MaxWords = 400

// Body returns the parts of an article text that carry its content: a
// leading dateline ("Jakarta, CNN Indonesia - -", "SAMARINDA –",
// "Merdeka.com -") is dropped, and so are lines that are credits or links
// ("Baca juga: …", "Editor: …", "Foto: …") and a closing initials credit
// such as "(ant/ded)". Parts are appended to dst.
func Body(dst []string, text string) []string {
	text = skipDateline(text)
	for len(text) > 0 {
		line := text
		rest := ""
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, rest = text[:i], text[i+1:]
		}
		if !creditLine(line) {
			dst = append(dst, line)
		}
		text = rest
	}
	if n := len(dst); n > 0 {
		dst[n-1] = trimInitials(dst[n-1])
	}
	return dst
}

// skipDateline drops a dateline: up to six capitalised words before the
// first dash in the first 80 bytes, marked as a dateline by a comma, a
// parenthesis, a word in capitals or a site name ("Merdeka.com",
// "Rimanews").
func skipDateline(s string) string {
	head := s
	if len(head) > 80 {
		head = head[:80]
	}
	cut := -1
	for i := 0; i < len(head); i++ {
		c := head[i]
		if c == '-' && i > 0 && (head[i-1] == ' ' || head[i-1] == 0xa0) {
			cut = i
			break
		}
		if c == 0xe2 && i+2 < len(head) && head[i+1] == 0x80 && (head[i+2] == 0x93 || head[i+2] == 0x94) { // – —
			cut = i
			break
		}
	}
	if cut <= 0 {
		return s
	}
	prefix := s[:cut]
	words := 0
	marked := strings.ContainsAny(prefix, ",(")
	for _, w := range strings.FieldsFunc(prefix, func(r rune) bool { return r == ' ' || r == ',' || r == 0xa0 }) {
		w = strings.TrimLeft(w, "(")
		r, _ := utf8.DecodeRuneInString(w)
		lw := strings.ToLower(w)
		site := strings.Contains(lw, ".com") || strings.Contains(lw, ".net") || strings.Contains(lw, ".co") || strings.HasSuffix(lw, "news")
		if !unicode.IsUpper(r) && !site {
			return s
		}
		if site || len(w) >= 3 && strings.ToUpper(w) == w {
			marked = true // JAKARTA, CNN, Merdeka.com, Rimanews
		}
		if words++; words > 6 {
			return s
		}
	}
	if words == 0 || !marked {
		return s
	}
	return strings.TrimLeft(s[cut:], "-–— \u00a0")
}

// creditLines start lines that are not the item's text.
var creditLines = []string{"baca juga", "simak juga", "lihat juga", "tonton juga", "editor:", "editor :", "pewarta:",
	"pewarta :", "penulis:", "penulis :", "reporter:", "reporter :", "foto:", "foto :", "(foto", "sumber foto", "video:",
	"copyright", "©"}

func creditLine(line string) bool {
	line = strings.TrimLeft(line, " \t\u00a0")
	if len(line) > 200 {
		return false
	}
	for _, p := range creditLines {
		if len(line) >= len(p) && strings.EqualFold(line[:len(p)], p) {
			return true
		}
	}
	return false
}

// trimInitials drops a closing credit like "(ant/ded)" or "(rah)".
func trimInitials(s string) string {
	t := strings.TrimRight(s, " \t\u00a0\r")
	if !strings.HasSuffix(t, ")") {
		return s
	}
	i := strings.LastIndexByte(t, '(')
	if i < 0 || len(t)-i > 14 {
		return s
	}
	for _, c := range t[i+1 : len(t)-1] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '*' || c == ' ') {
			return s
		}
	}
	return t[:i]
}

// Word kinds, as the scanner sees them.
const (
	wordPlain  = iota
	wordNumber // digits only: one token for every number
	wordSymbol // an emoji or other symbol, a word of its own
)

// numberToken stands for every number.
const numberToken = "0"

// scanWords calls fn with the bounds of each word of s, at most max words,
// and returns how many it passed. A word is a run of letters and digits (inner
// hyphens and apostrophes kept: "anak-anak"); each emoji is a word of its
// own; anything else separates words. Words are passed as written, with
// h, the foldHash of the word (case folded), computed on the way. Invalid
// UTF-8 reads as U+FFFD, a separator.
func scanWords(s string, max int, fn func(start, end, kind int, h uint64)) int {
	n := 0
	start := -1
	digits := true
	var h uint64
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			k := asciiKind[c]
			if k == byteSeparator && (c == '-' || c == '\'') && start >= 0 && i+1 < len(s) && isWordByte(s[i+1]) {
				k = byteJoin // inner hyphen or apostrophe
			}
			if k != byteSeparator {
				if start < 0 {
					start, digits, h = i, true, fnvOffset
				}
				if k != byteDigit {
					digits = false
				}
				h = (h ^ uint64(asciiLower[c])) * fnvPrime
				i++
				continue
			}
			if start >= 0 {
				if n == max {
					return n
				}
				fn(start, i, wordKind(digits), h)
				n++
				start = -1
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
			if start < 0 {
				start, h = i, fnvOffset
			}
			digits = false
			var buf [utf8.UTFMax]byte
			for _, b := range buf[:utf8.EncodeRune(buf[:], unicode.ToLower(r))] {
				h = (h ^ uint64(b)) * fnvPrime
			}
			i += size
			continue
		}
		if start >= 0 {
			if n == max {
				return n
			}
			fn(start, i, wordKind(digits), h)
			n++
			start = -1
		}
		if r != utf8.RuneError && unicode.Is(unicode.So, r) {
			if n == max {
				return n
			}
			fn(i, i+size, wordSymbol, foldHash(s[i:i+size]))
			n++
		}
		i += size
	}
	if start >= 0 && n < max {
		fn(start, len(s), wordKind(digits), h)
		n++
	}
	return n
}

func wordKind(digits bool) int {
	if digits {
		return wordNumber
	}
	return wordPlain
}

// What an ASCII byte is to the scanner.
const (
	byteSeparator = iota
	byteLetter
	byteDigit
	byteJoin // an inner hyphen or apostrophe
)

var asciiKind, asciiLower = func() (kind, lower [utf8.RuneSelf]byte) {
	for c := range kind {
		lower[c] = byte(c)
		switch {
		case c >= 'a' && c <= 'z':
			kind[c] = byteLetter
		case c >= 'A' && c <= 'Z':
			kind[c] = byteLetter
			lower[c] = byte(c) + 'a' - 'A'
		case c >= '0' && c <= '9':
			kind[c] = byteDigit
		}
	}
	return kind, lower
}()

// FNV-1a's constants.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// foldHash is the 64-bit FNV-1a hash of w lower-cased: the same for
// "Banjir", "BANJIR" and "banjir", computed without building the
// lower-case string.
func foldHash(w string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			h ^= uint64(c)
			h *= fnvPrime
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(w[i:])
		var buf [utf8.UTFMax]byte
		n := utf8.EncodeRune(buf[:], unicode.ToLower(r))
		for _, b := range buf[:n] {
			h ^= uint64(b)
			h *= fnvPrime
		}
		i += size
	}
	return h
}

// Words returns the words of an item as the classifier reads them, per
// part (the title, then each line of the article body; no bigram spans
// two parts): lower-cased, numbers as one token, at most MaxWords in all.
// Training reads items through it.
func Words(title, text string) [][]string {
	var out [][]string
	var cur string
	var words []string
	add := func(start, end, kind int, _ uint64) {
		switch kind {
		case wordNumber:
			words = append(words, numberToken)
		default:
			words = append(words, strings.ToLower(cur[start:end]))
		}
	}
	n := 0
	var parts [10]string
	for _, p := range Body(append(parts[:0], title), text) {
		if n >= MaxWords {
			break
		}
		cur, words = p, nil
		n += scanWords(p, MaxWords-n, add)
		if len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
