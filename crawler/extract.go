package crawler

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
)

// Extracted is what extraction finds in an article page.
type Extracted struct {
	Title     string
	Text      string
	Author    string
	Language  string
	Image     string
	Published time.Time
	Canonical string // rel=canonical of the page, if any
}

// Extract finds the main text and metadata of an article page with
// go-trafilatura (with its fallback extractors).
func Extract(page []byte, pageURL string) (*Extracted, error) {
	u, _ := url.Parse(pageURL)
	res, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{
		OriginalURL:     u,
		EnableFallback:  true,
		ExcludeComments: true,
		Deduplicate:     true,
	})
	if err != nil {
		return nil, err
	}
	e := &Extracted{
		Title:     strings.TrimSpace(res.Metadata.Title),
		Text:      strings.TrimSpace(res.ContentText),
		Author:    strings.TrimSpace(res.Metadata.Author),
		Language:  res.Metadata.Language,
		Image:     res.Metadata.Image,
		Published: res.Metadata.Date,
		Canonical: canonicalLink(page),
	}
	return e, nil
}

var canonicalRe = regexp.MustCompile(`(?is)<link[^>]+rel=["']?canonical["']?[^>]*>`)
var hrefRe = regexp.MustCompile(`(?is)href=["']([^"']+)["']`)

// canonicalLink returns the href of <link rel="canonical">.
func canonicalLink(page []byte) string {
	head := page
	if i := bytes.Index(bytes.ToLower(page[:min(len(page), 200<<10)]), []byte("</head>")); i > 0 {
		head = page[:i]
	}
	tag := canonicalRe.Find(head)
	if tag == nil {
		return ""
	}
	m := hrefRe.FindSubmatch(tag)
	if m == nil {
		return ""
	}
	return html.UnescapeString(string(m[1]))
}

// StripHTML turns a feed's HTML description into plain text.
func StripHTML(s string) string {
	if !strings.Contains(s, "<") {
		return strings.TrimSpace(html.UnescapeString(s))
	}
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return s
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && (n.Data == "p" || n.Data == "br" || n.Data == "div") {
			b.WriteString("\n")
		}
	}
	walk(doc)
	return strings.TrimSpace(b.String())
}
