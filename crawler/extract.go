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
	text := res.ContentText
	if res.ContentNode != nil {
		dropRepeatedLead(res.ContentNode)
		text = blockText(res.ContentNode)
	}
	e := &Extracted{
		Title:     strings.TrimSpace(res.Metadata.Title),
		Text:      cleanText(text),
		Author:    strings.TrimSpace(res.Metadata.Author),
		Language:  res.Metadata.Language,
		Image:     res.Metadata.Image,
		Published: res.Metadata.Date,
		Canonical: canonicalLink(page),
	}
	if e.Published.IsZero() {
		e.Published = pageDate(page)
	}
	return e, nil
}

// dropRepeatedLead removes the copies of the first block of extracted
// content that come after it. go-trafilatura v1.12.2 tries its content
// selectors one after another, stopping once it has more than one block,
// but works on a copy of each container, so the blocks it took stay in the
// page: when the first matching container (div.entry-content, say) yields a
// single block (an article of one paragraph), the next container (the
// <article> around it, headline included) yields that paragraph again.
// Python trafilatura moves the blocks out of the page, so the next
// container no longer holds them and a headline left at the end is
// dropped; this does the same afterwards.
func dropRepeatedLead(body *html.Node) {
	first := body.FirstChild
	for first != nil && first.Type != html.ElementNode {
		first = first.NextSibling
	}
	if first == nil {
		return
	}
	lead := strings.Join(strings.Fields(blockText(first)), " ")
	if lead == "" {
		return
	}
	dropped := false
	for c := first.NextSibling; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode && strings.Join(strings.Fields(blockText(c)), " ") == lead {
			body.RemoveChild(c)
			dropped = true
		}
		c = next
	}
	if !dropped {
		return
	}
	for c := body.LastChild; c != nil && c != first; {
		prev := c.PrevSibling
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && len(c.Data) == 2 && c.Data[0] == 'h' && c.Data[1] >= '1' && c.Data[1] <= '6':
			body.RemoveChild(c)
		default:
			return
		}
		c = prev
	}
}

// blockText renders extracted content with one line per block (paragraph,
// heading, list item), so paragraphs survive.
func blockText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "figure", "figcaption":
				return
			case "br":
				b.WriteByte('\n')
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			switch n.Data {
			case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "section", "article", "pre":
				b.WriteByte('\n')
			}
		}
	}
	walk(n)
	return b.String()
}

// Lines that Indonesian news pages put inside the article body but that
// are not the article: cross-links, ad markers, staff credits, sign-ups.
var boilerLine = regexp.MustCompile(`(?i)^(baca juga|baca:|lihat juga|simak juga|simak video|tonton juga|artikel ini telah tayang|advertisement|scroll to continue|iklan$|pewarta\s*:|editor\s*:|penulis\s*:|reporter\s*:|copyright|hak cipta|dapatkan update berita|ikuti (kami|berita)|follow (us|kami)|halaman\s*:?\s*\d|share this|like this|bagikan|\([a-z]{2,5}/[a-z]{2,5}\)$)`)

var labelOnly = regexp.MustCompile(`(?i)^(baca juga|lihat juga|simak juga|baca)\s*:?$`)

// cleanText normalises whitespace per line and drops boilerplate lines.
func cleanText(s string) string {
	var out []string
	skipNext := false
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if skipNext {
			skipNext = false
			continue
		}
		if boilerLine.MatchString(line) {
			// A bare "Baca juga:" label names its link on the next line.
			skipNext = labelOnly.MatchString(line)
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
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

var dateElemRe = regexp.MustCompile(`(?is)<[a-z]+[^>]+class=["'][^"']*(date|time|tanggal|waktu|publish)[^"']*["'][^>]*>([^<]{6,100})<`)

// pageDate finds a date line such as "Selasa, 11 Juni 2024 14:05 WITA" in
// an element whose class names a date, for pages whose metadata has none.
func pageDate(page []byte) time.Time {
	for _, m := range dateElemRe.FindAllSubmatch(page[:min(len(page), 300<<10)], 5) {
		if t, err := ParseDate(html.UnescapeString(string(m[2])), time.Now(), nil); err == nil {
			return t
		}
	}
	return time.Time{}
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
