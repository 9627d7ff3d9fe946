package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/gocolly/colly/v2"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/crawler/source"
)

// Paths that list articles rather than being one.
var notArticle = regexp.MustCompile(`(?i)/(tag|tags|topik|kategori|category|categories|author|penulis|indeks|index|page|search|cari|video|foto|galeri|login|register|about|tentang|kontak|contact|redaksi|pedoman)(/|$)`)

// articleLike says whether a URL path looks like one article: a long
// hyphenated slug, or a numeric id in a news path.
var articleLike = regexp.MustCompile(`(?i)(/[a-z0-9]+(-[a-z0-9]+){3,}(\.html?)?/?$)|(/(berita|read|news|artikel|detail)/.*\d{3,})`)

// listingItems crawls the source's listing pages with colly and returns
// the article links found, newest listing first. Colly's requests go
// through the crawler's gated client and robots check like every other
// request: one in flight per host, Crawl-delay or host-delay apart,
// back-off honoured.
func (c *Crawler) listingItems(ctx context.Context, src config.Source, max int) ([]source.Item, error) {
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
	hosts := privateHosts(src)
	depth := src.MaxDepth + 1
	col := colly.NewCollector(
		colly.UserAgent(c.Fetcher.UserAgent),
		colly.MaxDepth(depth),
		colly.MaxBodySize(int(c.Fetcher.MaxBytes)),
		colly.AllowedDomains(base.Hostname()),
		colly.StdlibContext(ctx),
	)
	// robots.txt is checked below by the crawler's own cache (shared with
	// every other path, Crawl-delay applied to the host's gate).
	col.IgnoreRobotsTxt = true
	col.SetClient(c.http.Client(hosts...))
	seen := map[string]bool{}
	var out []source.Item
	var visitErr error
	col.OnRequest(func(r *colly.Request) {
		if err := c.allowed(ctx, hosts, r.URL.String()); err != nil {
			if visitErr == nil {
				visitErr = fmt.Errorf("listing %s: %w", r.URL, err)
			}
			r.Abort()
			return
		}
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
				out = append(out, source.Item{Link: link, Title: strings.Join(strings.Fields(e.Text), " ")})
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
		if err := col.Visit(s); err != nil && visitErr == nil && !errors.Is(err, colly.ErrAbortedBeforeRequest) {
			visitErr = fmt.Errorf("listing %s: %w", s, err)
		}
	}
	col.Wait()
	if len(out) == 0 && visitErr != nil {
		return nil, visitErr
	}
	return out, nil
}
