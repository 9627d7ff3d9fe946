package crawler

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/gocolly/colly/v2"
	"github.com/mmcdole/gofeed"

	"github.com/diskominfo-kaltim/pantau/config"
)

// Paths that list articles rather than being one.
var notArticle = regexp.MustCompile(`(?i)/(tag|tags|topik|kategori|category|categories|author|penulis|indeks|index|page|search|cari|video|foto|galeri|login|register|about|tentang|kontak|contact|redaksi|pedoman)(/|$)`)

// articleLike says whether a URL path looks like one article: a long
// hyphenated slug, or a numeric id in a news path.
var articleLike = regexp.MustCompile(`(?i)(/[a-z0-9]+(-[a-z0-9]+){3,}(\.html?)?/?$)|(/(berita|read|news|artikel|detail)/.*\d{3,})`)

// listingItems crawls the source's listing pages with colly (robots.txt
// honoured, one request at a time, Crawl-delay or host-delay apart) and
// returns the article links found, newest listing first.
func (c *Crawler) listingItems(ctx context.Context, src config.Source, max int) ([]*gofeed.Item, error) {
	starts := src.Listings
	if len(starts) == 0 {
		starts = []string{src.Site}
	}
	base, err := url.Parse(starts[0])
	if err != nil {
		return nil, err
	}
	var pattern *regexp.Regexp
	if src.LinkPattern != "" {
		pattern = regexp.MustCompile(src.LinkPattern)
	}
	depth := src.MaxDepth + 1
	col := colly.NewCollector(
		colly.UserAgent(c.Fetcher.UserAgent),
		colly.MaxDepth(depth),
		colly.MaxBodySize(int(c.Fetcher.MaxBytes)),
		colly.AllowedDomains(base.Hostname()),
		colly.StdlibContext(ctx),
	)
	col.IgnoreRobotsTxt = false // colly ignores robots.txt unless told (colly#614)
	col.SetClient(c.Fetcher.Client(src.AllowPrivate))
	if err := col.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: 1, Delay: c.HostDelay}); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*gofeed.Item
	var visitErr error
	col.OnRequest(func(r *colly.Request) {
		c.Metrics.Fetched.WithLabelValues(src.Name).Inc()
	})
	col.OnHTML("a[href]", func(e *colly.HTMLElement) {
		link := e.Request.AbsoluteURL(e.Attr("href"))
		u, err := url.Parse(link)
		if err != nil || u.Hostname() != base.Hostname() {
			return
		}
		canon, err := Canonical(link)
		if err != nil || seen[canon] {
			return
		}
		isArticle := !notArticle.MatchString(u.Path) && articleLike.MatchString(u.Path)
		if pattern != nil {
			isArticle = pattern.MatchString(link)
		}
		if isArticle {
			seen[canon] = true
			if len(out) < max {
				out = append(out, &gofeed.Item{Link: link, Title: strings.Join(strings.Fields(e.Text), " ")})
			}
			return
		}
		// Follow pagination and section links up to the depth limit.
		if e.Request.Depth < depth && (strings.Contains(u.Path, "/page/") || u.Query().Get("page") != "" || u.Query().Get("p") != "") {
			_ = e.Request.Visit(link)
		}
	})
	col.OnError(func(r *colly.Response, err error) {
		if visitErr == nil {
			visitErr = fmt.Errorf("listing %s: %w", r.Request.URL, err)
			if r.StatusCode != 0 {
				visitErr = &StatusError{URL: r.Request.URL.String(), StatusCode: r.StatusCode}
			}
		}
	})
	for _, s := range starts {
		if err := col.Visit(s); err != nil && visitErr == nil {
			visitErr = fmt.Errorf("listing %s: %w", s, err)
		}
	}
	col.Wait()
	if len(out) == 0 && visitErr != nil {
		return nil, visitErr
	}
	return out, nil
}
