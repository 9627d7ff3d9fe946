package config

import (
	"strings"
	"testing"
)

func TestSourceKinds(t *testing.T) {
	src, err := ParseSources("s.yaml", []byte(`
- name: Feed
  feed: https://a.id/rss
  site: https://a.id
- name: Peta situs
  site: https://b.id
  sitemap: https://b.id/news.xml
- name: Daftar
  site: https://c.id
  listings: [https://c.id/daerah]
- name: Situs
  site: https://d.id
- name: Situs saja
  kind: Site
  feed: https://e.id/rss
  site: https://e.id
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range src {
		got = append(got, s.KindOrDefault())
	}
	if strings.Join(got, " ") != "feed sitemap listing site site" {
		t.Errorf("kinds %v", got)
	}

	f := func(yaml, want string) {
		t.Helper()
		_, err := ParseSources("s.yaml", []byte(yaml))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSources(%q) = %v, want error containing %q", yaml, err, want)
		}
	}
	f("- name: A\n  kind: koran\n  site: http://x/\n", `line 1: source "A": unknown kind "koran"`)
	f("- name: A\n  kind: feed\n  site: http://x/\n", `kind feed needs a feed`)
	f("- name: A\n  kind: sitemap\n  site: http://x/\n", `kind sitemap needs a sitemap`)
}
