// Package feed parses RSS, Atom and JSON feeds as outlets really serve
// them: a stray byte that is not UTF-8 in one title, or a control
// character, costs that character, not the whole feed. It must not fetch.
package feed

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
)

// Parse parses a feed. contentType is the HTTP Content-Type it came with
// (its charset is used when the document declares none).
func Parse(body []byte, contentType string) (*gofeed.Feed, error) {
	return gofeed.NewParser().Parse(bytes.NewReader(Sanitize(body, contentType)))
}

var xmlDeclEncoding = regexp.MustCompile(`(?i)^\s*(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']`)

// Sanitize makes an XML document that is meant to be UTF-8 parseable: a
// document declaring no encoding is decoded with the HTTP charset when
// that names another one; bytes that are not UTF-8 become U+FFFD (as a
// browser shows them) and characters XML forbids (control characters,
// U+FFFE/U+FFFF) are dropped. A document declaring another encoding, and
// JSON, are returned as they are: the parser converts those itself.
func Sanitize(body []byte, contentType string) []byte {
	head := body[:min(len(body), 512)]
	if t := bytes.TrimLeft(head, " \t\r\n\xef\xbb\xbf"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return body // JSON Feed: encoding/json replaces invalid UTF-8 itself
	}
	if m := xmlDeclEncoding.FindSubmatch(head); m != nil {
		if enc := strings.ToLower(strings.TrimSpace(string(m[1]))); enc != "utf-8" && enc != "utf8" {
			return body
		}
	} else if !utf8.Valid(body) {
		if _, params, ok := strings.Cut(strings.ToLower(contentType), "charset="); ok {
			name := strings.Trim(strings.TrimSpace(strings.Split(params, ";")[0]), `"'`)
			if enc, canon := charset.Lookup(name); enc != nil && canon != "utf-8" {
				if out, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(body))); err == nil {
					body = out
				}
			}
		}
	}
	return validXML(body)
}

// validXML replaces invalid UTF-8 with U+FFFD and drops the characters
// outside XML 1.0's Char production, copying only when it must.
func validXML(b []byte) []byte {
	clean := true
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			out = utf8.AppendRune(out, utf8.RuneError)
		case xmlChar(r):
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
