package crawler

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

type sitemapDoc struct {
	XMLName  xml.Name
	URLs     []sitemapURL `xml:"url"`
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
	News    struct {
		Title           string `xml:"title"`
		PublicationDate string `xml:"publication_date"`
	} `xml:"news"`
}

// sitemapItems reads a sitemap (a Google News sitemap too, and one level of
// sitemap index) and returns its newest max article URLs as feed items.
func (c *Crawler) sitemapItems(ctx context.Context, src config.Source, sitemapURL string, max int) ([]source.Item, error) {
	resp, err := c.get(ctx, src, sitemapURL, "", "")
	if err != nil {
		return nil, err
	}
	var doc sitemapDoc
	if err := xml.Unmarshal(resp.Body, &doc); err != nil {
		return nil, fmt.Errorf("parsing sitemap %s: %w", sitemapURL, err)
	}
	urls := doc.URLs
	if len(doc.Sitemaps) > 0 {
		// An index: follow the newest few child sitemaps.
		subs := doc.Sitemaps
		sort.SliceStable(subs, func(i, j int) bool { return subs[i].LastMod > subs[j].LastMod })
		for _, sm := range subs[:min(3, len(subs))] {
			r, err := c.get(ctx, src, strings.TrimSpace(sm.Loc), "", "")
			if err != nil {
				continue
			}
			var child sitemapDoc
			if xml.Unmarshal(r.Body, &child) == nil {
				urls = append(urls, child.URLs...)
			}
		}
	}
	now := c.Now()
	type dated struct {
		item source.Item
		at   time.Time
	}
	var all []dated
	for _, u := range urls {
		loc := strings.TrimSpace(u.Loc)
		if loc == "" {
			continue
		}
		it := source.Item{Link: loc, Title: strings.TrimSpace(u.News.Title)}
		var at time.Time
		for _, d := range []string{u.News.PublicationDate, u.LastMod} {
			if d == "" {
				continue
			}
			if t, err := ParseDate(d, now, nil); err == nil {
				at = t
				it.Published = t
				break
			}
		}
		all = append(all, dated{it, at})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.After(all[j].at) })
	var out []source.Item
	for _, d := range all[:min(max, len(all))] {
		out = append(out, d.item)
	}
	return out, nil
}

// robotsSitemaps lists the Sitemap: lines of the site's robots.txt.
func (c *Crawler) robotsSitemaps(ctx context.Context, src config.Source) []string {
	u, err := url.Parse(src.Site)
	if err != nil {
		return nil
	}
	r := c.robots(ctx, privateHosts(src), u)
	if r == nil {
		return nil
	}
	return r.Sitemaps
}
