// Package demo serves the Kaltim example items (labels.Kaltim) as a
// fortnight of news sites, press-release pages and social accounts on
// loopback, each outlet on its own address, so that Pantau can be shown and
// tested without the internet. Every page says it is example content
// ("contoh"). It must never reach the internet, and it only serves: the
// crawler, classifier and store do the rest as they would for real outlets.
package demo

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/config"
	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/labels"
	"github.com/diskominfo-kaltim/pantau/news"
)

// WITA is the demo's time zone: the fortnight ends today in Samarinda.
var WITA = time.FixedZone("WITA", 8*3600)

// Days is the length of the example fortnight: story day 14 is today.
const Days = 14

// Outlet is one example outlet: a news site, a government office's press
// releases, or a social account.
type Outlet struct {
	Name     string // as the items name it: "Kabar Mahakam", "Facebook: Info Samarinda Kota"
	Kind     string // news.KindBerita, KindRilis or KindSosmed
	Platform string // facebook, instagram, x, tiktok, youtube; "" for the web
	Region   string // the region most of its items concern, else the province
	Items    []Item // newest first
}

// Item is one example item with its publication time in the fortnight.
type Item struct {
	labels.Item
	Slug      string
	Published time.Time
	Comment   bool // a comment under the account's post rather than a post
}

// Outlets builds the example outlets from labels.Kaltim, with publication
// times shifted so that the fortnight ends on now's day (WITA): story day
// 14 is today, day 13 yesterday. Items spread over the daytime hours of
// their day; today's are all before now. The result is the same for the
// same now.
func Outlets(now time.Time) ([]*Outlet, error) {
	items, err := labels.Kaltim()
	if err != nil {
		return nil, err
	}
	now = now.In(WITA)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, WITA)
	items = shiftDatelines(items, today.AddDate(0, 0, 1-Days))
	byName := map[string]*Outlet{}
	regions := map[string]map[string]int{}
	for _, it := range items {
		name, comment := outletName(it.Outlet)
		o := byName[name]
		if o == nil {
			o = &Outlet{Name: name, Kind: it.Kind, Platform: platform(name)}
			if o.Kind == "" {
				o.Kind = news.KindBerita
			}
			byName[name] = o
			regions[name] = map[string]int{}
		}
		if it.Day < 1 || it.Day > Days {
			return nil, fmt.Errorf("item %s: day %d outside 1..%d", it.ID, it.Day, Days)
		}
		day := today.AddDate(0, 0, it.Day-Days)
		o.Items = append(o.Items, Item{Item: it, Slug: slug(it), Published: publishedAt(it.ID, day, now), Comment: comment})
		if it.Region != "" {
			regions[name][it.Region]++
		}
	}
	for _, o := range byName {
		afterTheirPost(o.Items, now)
	}
	shipped, err := shippedNames()
	if err != nil {
		return nil, err
	}
	out := make([]*Outlet, 0, len(byName))
	for name, o := range byName {
		if shipped[name] {
			o.Name = name + " (contoh)"
		}
		o.Region = mainRegion(regions[name], len(o.Items))
		sort.SliceStable(o.Items, func(i, j int) bool { return o.Items[i].Published.After(o.Items[j].Published) })
		out = append(out, o)
	}
	// Mass media first, then press releases, then social accounts; by name
	// within each, so that an outlet keeps its address from run to run.
	rank := map[string]int{news.KindBerita: 0, news.KindRilis: 1, news.KindSosmed: 2}
	sort.Slice(out, func(i, j int) bool {
		if rank[out[i].Kind] != rank[out[j].Kind] {
			return rank[out[i].Kind] < rank[out[j].Kind]
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// shippedNames are the names of the shipped sources (config.DefaultSources).
// An example outlet of the same name ("Humas Pemkot Samarinda") is called
// "… (contoh)": the crawler keeps a source's health and schedule by its
// name, and a pantau run into the demo's data dir must not take the
// example outlet's for the real one's.
func shippedNames() (map[string]bool, error) {
	srcs, err := config.ParseSources("sources.yaml", config.DefaultSources)
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(srcs))
	for _, s := range srcs {
		names[s.Name] = true
	}
	return names, nil
}

// outletName folds an account's comment threads and the WhatsApp messages
// forwarded into a Facebook group into that account: "Facebook: Berau
// Bersuara (komentar)" is a comment on the account "Facebook: Berau
// Bersuara".
func outletName(s string) (name string, comment bool) {
	if rest, ok := strings.CutPrefix(s, "WhatsApp: pesan terusan (diunggah di "); ok {
		return strings.TrimSuffix(rest, ")"), false
	}
	if name, ok := strings.CutSuffix(s, " (komentar)"); ok {
		return name, true
	}
	return s, false
}

var platforms = map[string]string{
	"Facebook": "facebook", "Instagram": "instagram", "X": "x", "TikTok": "tiktok", "YouTube": "youtube", "Telegram": "telegram",
}

// platform reads the platform from a social outlet's name ("Facebook: …").
func platform(name string) string {
	p, _, ok := strings.Cut(name, ": ")
	if !ok {
		return ""
	}
	return platforms[p]
}

// mainRegion is the region of most of an outlet's n items when they are
// mostly about one (60%), else the province.
func mainRegion(counts map[string]int, n int) string {
	best, bestN := "", 0
	for r, c := range counts {
		if c > bestN || c == bestN && r < best {
			best, bestN = r, c
		}
	}
	if best == "" || bestN*10 < n*6 {
		return "Kalimantan Timur"
	}
	return best
}

// dateline is the day of the event as the example texts write it, "Senin
// (3/11)" or "Minggu (26/5/2024)", in the calendar the stories were written
// in.
var dateline = regexp.MustCompile(`\b(Minggu|Senin|Selasa|Rabu|Kamis|Jumat|Sabtu)(\s*)\((\d{1,2})/(\d{1,2})(?:/(\d{4}))?\)`)

// writtenBy is the last year the example texts can have been written in:
// a dateline without a year is read in the latest year up to it whose
// date falls on the weekday named, whenever the demo runs.
const writtenBy = 2026

// datelineDate reads a dateline match: its date, whether it wrote the
// year, and whether it could be read.
func datelineDate(m []string) (time.Time, bool, bool) {
	d, _ := strconv.Atoi(m[3])
	mo, _ := strconv.Atoi(m[4])
	valid := func(y int) (time.Time, bool) {
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		return t, t.Day() == d && int(t.Month()) == mo
	}
	if m[5] != "" {
		y, _ := strconv.Atoi(m[5])
		t, ok := valid(y)
		return t, true, ok
	}
	for y := writtenBy; y > writtenBy-10; y-- {
		if t, ok := valid(y); ok && indonesian.Weekdays[t.Weekday()] == m[1] {
			return t, false, true
		}
	}
	return time.Time{}, false, false
}

// shiftDatelines moves the datelines of the example texts into the demo's
// fortnight, which starts on day1: each story by one shift, the one that
// puts most of its datelines on their item's day, so that "Minggu
// (26/5/2024)" in an item of today reads as today, and a dateline the day
// before stays the day before. Weekday names follow their dates.
func shiftDatelines(items []labels.Item, day1 time.Time) []labels.Item {
	start := time.Date(day1.Year(), day1.Month(), day1.Day(), 0, 0, 0, 0, time.UTC)
	// The story's first day in its own calendar, by vote of its datelines.
	votes := map[string]map[time.Time]int{}
	for _, it := range items {
		for _, m := range dateline.FindAllStringSubmatch(it.Title+"\n"+it.Text, -1) {
			if t, _, ok := datelineDate(m); ok {
				if votes[it.Story] == nil {
					votes[it.Story] = map[time.Time]int{}
				}
				votes[it.Story][t.AddDate(0, 0, 1-it.Day)]++
			}
		}
	}
	shift := map[string]int{} // days
	for story, v := range votes {
		var best time.Time
		for t, n := range v {
			if n > v[best] || n == v[best] && t.Before(best) {
				best = t
			}
		}
		shift[story] = int(start.Sub(best).Hours() / 24)
	}
	out := make([]labels.Item, len(items))
	for i, it := range items {
		days, ok := shift[it.Story]
		if ok {
			rewrite := func(s string) string {
				return dateline.ReplaceAllStringFunc(s, func(x string) string {
					m := dateline.FindStringSubmatch(x)
					t, year, ok := datelineDate(m)
					if !ok {
						return x
					}
					t = t.AddDate(0, 0, days)
					when := fmt.Sprintf("%d/%d", t.Day(), int(t.Month()))
					if year {
						when += fmt.Sprintf("/%d", t.Year())
					}
					return indonesian.Weekdays[t.Weekday()] + m[2] + "(" + when + ")"
				})
			}
			it.Title, it.Text = rewrite(it.Title), rewrite(it.Text)
		}
		out[i] = it
	}
	return out
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes an item's URL path segment from its id and title:
// "a-s01-a1-hujan-deras-sejak-subuh-simpang-sempaja".
func slug(it labels.Item) string {
	id := strings.TrimPrefix(it.ID, "kaltim-synth:")
	words := strings.Fields(nonSlug.ReplaceAllString(strings.ToLower(it.Title), " "))
	if len(words) > 7 {
		words = words[:7]
	}
	return strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(id), "-"), "-") + "-" + strings.Join(words, "-")
}

// answered is the account's post a comment answers: its latest post of
// the comment's story published before it; nil for a post, or a comment
// whose post the account does not have.
func (o *Outlet) answered(c *Item) *Item {
	if !c.Comment {
		return nil
	}
	return latestPost(o.Items, c.Story, func(p *Item) bool { return p.Published.Before(c.Published) })
}

// latestPost is the latest post (not a comment) of the story among items
// that ok accepts, or nil.
func latestPost(items []Item, story string, ok func(p *Item) bool) *Item {
	var post *Item
	for j := range items {
		p := &items[j]
		if !p.Comment && p.Story == story && ok(p) && (post == nil || p.Published.After(post.Published)) {
			post = p
		}
	}
	return post
}

// afterTheirPost moves a comment that would come before the account's post
// of its story that day to a little after it (5 to 95 minutes, by its id),
// never past now: a comment answers a post.
func afterTheirPost(items []Item, now time.Time) {
	for i := range items {
		c := &items[i]
		if !c.Comment {
			continue
		}
		post := latestPost(items, c.Story, func(p *Item) bool { return p.Day == c.Day })
		if post == nil || c.Published.After(post.Published) {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(c.ID))
		at := post.Published.Add(time.Duration(5+h.Sum64()%91) * time.Minute)
		if limit := now.Add(-time.Minute).Truncate(time.Minute); at.After(limit) {
			at = limit
		}
		if at.After(post.Published) {
			c.Published = at
		}
	}
}

// publishedAt places an item in its day: between 06:00 and 22:00 WITA,
// at a point fixed by its id; today, between 06:00 (or midnight, early in
// the morning) and a minute before now.
func publishedAt(id string, day, now time.Time) time.Time {
	h := fnv.New64a()
	h.Write([]byte(id))
	frac := float64(h.Sum64()%10000) / 10000
	lo, hi := day.Add(6*time.Hour), day.Add(22*time.Hour)
	if limit := now.Add(-time.Minute); hi.After(limit) {
		hi = limit
		if !hi.After(lo) {
			lo = day
		}
		if !hi.After(lo) {
			return day
		}
	}
	return lo.Add(time.Duration(frac * float64(hi.Sub(lo)))).Truncate(time.Minute)
}
