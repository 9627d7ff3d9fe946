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
	f("- name: A\n  kind: koran\n  site: http://x/\n", `s.yaml baris 1: sumber "A": kind "koran" tidak dikenal`)
	f("- name: A\n  kind: feed\n  site: http://x/\n", `kind feed memerlukan feed`)
	f("- name: A\n  kind: sitemap\n  site: http://x/\n", `kind sitemap memerlukan sitemap`)
}

func TestSocialSources(t *testing.T) {
	src, err := ParseSources("s.yaml", []byte(`
- name: Telegram Info Samarinda
  kind: telegram
  channel: "@infosamarinda"
  region: Kota Samarinda
- name: YouTube Pemprov
  kind: youtube
  channel: UCkaltimprov0000000000AB
  comments: false
- name: Google News Pemprov
  kind: google_news
  query: '"Pemprov Kaltim"'
- name: IG Diskominfo
  kind: instagram
  account: "17841400000000001"
  hashtags: ["#banjirsamarinda", kaltimsteril]
  keep_handles: true
- name: X banjir
  kind: x
  query: banjir samarinda -is:retweet
  base_url: http://127.0.0.1:9999
  allow_private: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if src[0].Channel != "infosamarinda" || !src[0].Social() || !src[1].Social() {
		t.Errorf("telegram %+v", src[0])
	}
	if src[1].WantComments() {
		t.Error("comments: false ignored")
	}
	if src[3].Hashtags[0] != "banjirsamarinda" || !src[3].KeepHandles {
		t.Errorf("instagram %+v", src[3])
	}
	if h := src[4].PrivateHosts(); len(h) != 1 || h[0] != "127.0.0.1" {
		t.Errorf("private hosts of a social source: %v", h)
	}
	BindCredentials(src, Credentials{YouTubeAPIKey: "yt", GraphToken: "g", XBearerToken: "xb", TikTokClientKey: "k", TikTokClientSecret: "s"})
	if src[1].Credential != "yt" || src[3].Credential != "g" || src[4].Credential != "xb" || src[0].Credential != "" {
		t.Errorf("credentials %q %q %q %q", src[1].Credential, src[3].Credential, src[4].Credential, src[0].Credential)
	}

	f := func(yaml, want string) {
		t.Helper()
		_, err := ParseSources("s.yaml", []byte(yaml))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSources(%q) = %v, want error containing %q", yaml, err, want)
		}
	}
	f("- name: T\n  kind: telegram\n", `s.yaml baris 1: sumber "T": channel "" bukan nama kanal Telegram publik`)
	f("- name: T\n  kind: telegram\n  channel: t.me/x\n", `bukan nama kanal Telegram publik`)
	f("- name: Y\n  kind: youtube\n  channel: pemprovkaltim\n", `bukan id kanal YouTube`)
	f("- name: G\n  kind: google_news\n", `kind google_news memerlukan query`)
	f("- name: F\n  kind: facebook\n  account: pemprovkaltim\n", `bukan id Graph API`)
	f("- name: F\n  kind: facebook\n  account: '123456789'\n  hashtags: [a]\n", `hashtags hanya untuk sumber instagram`)
	f("- name: W\n  site: https://a.id\n  query: banjir\n", `query hanya untuk sumber media sosial`)
	f("- name: X\n  kind: x\n  query: banjir\n  base_url: ftp://x\n", `bukan URL http(s)`)
}
