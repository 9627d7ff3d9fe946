// Package telegram is the connector of telegram sources: a public
// channel's posts read from its web preview (t.me/s/NAME, the page Telegram
// serves to anyone without an account), newest page first and older pages
// through ?before=ID until the last post read. Only public channels; no
// account, no private chats or groups. It must not publish, store or
// classify: items go to the crawler through source.Env, whose gate keeps
// it polite (robots.txt, one request at a time, the host delay).
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
	"github.com/diskominfo-kaltim/pantau/news"
)

// Platform is the value of news.Article.Platform for this connector.
const Platform = "telegram"

// Base is the real address of the web preview; a source's base_url
// replaces it.
const Base = "https://t.me"

// maxPages bounds how far back one poll pages (about 20 posts a page).
const maxPages = 10

// Source polls one public channel.
type Source struct {
	channel string
	base    string
}

// New makes the connector of a telegram source.
func New(src config.Source) (*Source, error) {
	s := &Source{channel: src.Channel, base: Base}
	if src.BaseURL != "" {
		s.base = strings.TrimRight(src.BaseURL, "/")
	}
	return s, nil
}

// MinInterval keeps the preview polite: a page every two minutes at most.
func (s *Source) MinInterval() time.Duration { return 2 * time.Minute }

// cursor is the id of the newest post handed on with every post before it.
type cursor struct {
	LastID int64 `json:"last_id"`
}

// Post is one message of a channel's web preview.
type Post struct {
	ID        int64
	Text      string
	Published time.Time
	Views     int64
	Reactions int64
	Signature string // the admin who signed the post, if any
	Forwarded string // the channel it was forwarded from, if any
}

// Poll reads the newest page and, when the last post read is not on it,
// older pages, then hands the new posts on oldest first.
func (s *Source) Poll(ctx context.Context, env source.Env, emit source.Emit) error {
	var cur cursor
	if raw, err := env.Cursor(ctx); err != nil {
		return err
	} else if raw != nil {
		if err := json.Unmarshal(raw, &cur); err != nil {
			return fmt.Errorf("reading the telegram cursor: %w", err)
		}
	}
	posts := map[int64]Post{}
	before := int64(0)
	for page := 0; page < maxPages; page++ {
		u := s.base + "/s/" + s.channel
		if before > 0 {
			u += "?before=" + strconv.FormatInt(before, 10)
		}
		resp, err := env.Get(ctx, u, "", "")
		if err != nil {
			return fmt.Errorf("telegram channel %s: %w", s.channel, err)
		}
		got, err := Parse(resp.Body, s.channel)
		if err != nil {
			return fmt.Errorf("telegram channel %s: %w", s.channel, err)
		}
		if page == 0 && len(got) == 0 && !bytes.Contains(resp.Body, []byte("tgme_channel_history")) {
			return fmt.Errorf("telegram channel %s: no public preview (private channel, a group or a user?)", s.channel)
		}
		oldest := int64(0)
		for _, p := range got {
			if oldest == 0 || p.ID < oldest {
				oldest = p.ID
			}
			if _, seen := posts[p.ID]; !seen && p.ID > cur.LastID {
				posts[p.ID] = p // the newest page's copy: its counts are current
			}
		}
		// The first poll takes the newest page only; later polls page back
		// to the last post read (deleted posts leave gaps: the ids are not
		// counted, the pages are).
		if cur.LastID == 0 || oldest == 0 || oldest <= cur.LastID+1 {
			break
		}
		before = oldest
	}
	ids := make([]int64, 0, len(posts))
	for id := range posts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	last := cur.LastID
	var failed error
	for _, id := range ids {
		p := posts[id]
		if p.Text == "" {
			// A photo or file without caption: nothing to read.
			if failed == nil {
				last = id
			}
			continue
		}
		a := s.article(env, p)
		if err := emit(ctx, source.Item{Post: &a}); err != nil {
			if failed == nil {
				failed = err
			}
			continue
		}
		if failed == nil {
			last = id // every post up to here is handled
		}
	}
	if last != cur.LastID {
		data, _ := json.Marshal(cursor{LastID: last})
		if err := env.SaveCursor(ctx, data); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) article(env source.Env, p Post) news.Article {
	u := "https://t.me/" + s.channel + "/" + strconv.FormatInt(p.ID, 10)
	a := news.Article{
		ID: news.IDFor(u), URL: u, Kind: news.KindSosmed, Platform: Platform,
		Title: source.TitleOf(p.Text), Text: p.Text, PublishedAt: p.Published.UTC(),
		AuthorHandle: env.Handle(Platform, s.channel),
		Engagement:   news.Engagement{Views: p.Views, Likes: p.Reactions},
	}
	if env.KeepHandles() {
		a.Author = p.Signature
	}
	return a
}

// Parse reads the posts of a web-preview page of channel. Service messages
// (a new photo, a pinned post) are left out.
func Parse(page []byte, channel string) ([]Post, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, err
	}
	var out []Post
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && hasClass(n, "tgme_widget_message") && attr(n, "data-post") != "" {
			if p, ok := parsePost(n, channel); ok {
				out = append(out, p)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out, nil
}

func parsePost(n *html.Node, channel string) (Post, bool) {
	name, num, ok := strings.Cut(attr(n, "data-post"), "/")
	id, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || !strings.EqualFold(name, channel) || hasClass(n, "service_message") {
		return Post{}, false
	}
	p := Post{ID: id}
	var walk func(*html.Node)
	walk = func(c *html.Node) {
		if c.Type == html.ElementNode {
			switch {
			case hasClass(c, "tgme_widget_message_reply"), hasClass(c, "tgme_widget_message_link_preview"):
				return // a quoted post or a link's preview is not this post's text
			case hasClass(c, "tgme_widget_message_text") && p.Text == "":
				p.Text = text(c)
				return
			case hasClass(c, "tgme_widget_message_views"):
				p.Views = count(text(c))
			case hasClass(c, "tgme_reaction"):
				p.Reactions += reactionCount(c)
				return
			case hasClass(c, "tgme_widget_message_from_author"):
				p.Signature = text(c)
			case hasClass(c, "tgme_widget_message_forwarded_from_name"):
				p.Forwarded = text(c)
			case c.Data == "time" && p.Published.IsZero():
				if t, err := time.Parse(time.RFC3339, attr(c, "datetime")); err == nil {
					p.Published = t
				}
			}
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	return p, true
}

// text renders a node's text with <br> as line breaks.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			b.WriteString(n.Data)
		case n.Type == html.ElementNode && n.Data == "br":
			b.WriteByte('\n')
		case n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style"):
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// reactionCount reads "👍125" from a reaction: the number after the emoji.
func reactionCount(n *html.Node) int64 {
	var digits strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			digits.WriteString(c.Data)
		}
	}
	return count(digits.String())
}

// count reads Telegram's short counts: 987, 5K, 1.2K, 3.4M.
func count(s string) int64 {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "K"):
		mult, s = 1e3, strings.TrimSuffix(s, "K")
	case strings.HasSuffix(s, "M"):
		mult, s = 1e6, strings.TrimSuffix(s, "M")
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err != nil || f < 0 {
		return 0
	}
	return int64(f*mult + 0.5)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasClass(n *html.Node, class string) bool {
	for _, c := range strings.Fields(attr(n, "class")) {
		if c == class {
			return true
		}
	}
	return false
}
