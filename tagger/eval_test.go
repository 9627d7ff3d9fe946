package tagger

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/diskominfo-kaltim/pantau/issuemap/kaltimfeed"
	"github.com/diskominfo-kaltim/pantau/labels"
)

// scores are region and office figures over a set of items.
type scores struct {
	items, regionOK         int
	national, nationalClean int // items about elsewhere; of them with no Kaltim region and office
	tp, fp, fn              int // offices
}

func (s scores) String() string {
	p := float64(s.tp) / float64(s.tp+s.fp)
	r := float64(s.tp) / float64(s.tp+s.fn)
	return strings.Join([]string{
		"region accuracy " + pct(s.regionOK, s.items),
		"national items without region/office " + pct(s.nationalClean, s.national),
		"OPD P " + f3(p) + " R " + f3(r),
	}, ", ")
}

// evalTags scores the tagger on the Kaltim example items: the region an
// item is about is the first it names (none for national and foreign
// stories); offices match by name, without the government they belong
// to, or by an alias (OPD.Aliases: "Dinas Perhubungan" is also
// "Dishub").
func evalTags(t testing.TB, tg *Tagger, only func(story string) bool) scores {
	t.Helper()
	feed, err := kaltimfeed.Feed()
	if err != nil {
		t.Fatal(err)
	}
	var s scores
	for _, it := range feed {
		if !only(it.Gold.Story) {
			continue
		}
		tags := tg.TagIn(it.Title, it.Text, it.Region)
		got := ""
		if len(tags.Regions) > 0 {
			got = tags.Regions[0]
		}
		s.items++
		if got == it.Gold.Region {
			s.regionOK++
		}
		if it.Gold.Region == "" {
			s.national++
			if len(tags.Regions) == 0 && len(tags.OPDs) == 0 {
				s.nationalClean++
			}
		}
		matched := map[string]bool{}
		for _, o := range tags.OPDs {
			hit := ""
			for _, g := range it.Gold.OPD {
				if !matched[g] && tg.SameOffice(o, g) {
					hit = g
					break
				}
			}
			if hit != "" {
				matched[hit] = true
				s.tp++
			} else {
				s.fp++
			}
		}
		s.fn += len(it.Gold.OPD) - len(matched)
	}
	return s
}

// TestRegionAndOfficeQuality prints region accuracy and office
// precision/recall on the Kaltim example items, tuning and held-out
// stories apart (rules were tuned on the first only). The floors it
// asserts are below the figures, to catch a broken tagger.
func TestRegionAndOfficeQuality(t *testing.T) {
	tg, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tune := evalTags(t, tg, func(s string) bool { return !kaltimfeed.HeldOut(s) })
	held := evalTags(t, tg, kaltimfeed.HeldOut)
	t.Logf("tuning (%d items): %s", tune.items, tune)
	t.Logf("held-out (%d items): %s", held.items, held)
	if float64(held.regionOK) < 0.8*float64(held.items) {
		t.Errorf("held-out region accuracy %s", pct(held.regionOK, held.items))
	}
	// National news (labels.News4) as a Kaltim outlet carries it: the
	// outlet's region must not stick to stories that name no place. A
	// few items are about Kaltim (a Samarinda prosecutor, Kukar's
	// regent).
	items, err := labels.News4()
	if err != nil {
		t.Fatal(err)
	}
	for _, home := range []string{"", Province, "Kota Samarinda"} {
		tagged := 0
		for _, it := range items {
			if tags := tg.TagIn(it.Title, it.Text, home); len(tags.Regions) > 0 || len(tags.OPDs) > 0 {
				tagged++
			}
		}
		t.Logf("national news (%d items) from an outlet of %q: %s with a Kaltim region or office", len(items), home, pct(tagged, len(items)))
		if tagged > len(items)/20 {
			t.Errorf("national news from an outlet of %q: %d of %d items tagged as Kaltim's", home, tagged, len(items))
		}
	}
}

func pct(a, b int) string { return f3(float64(a) / float64(b)) }

func f3(x float64) string { return fmt.Sprintf("%.3f", x) }

// TestTuneRegionRules tries the region rules' figures on the tuning
// stories; set PANTAU_TUNE=1 to run it.
func TestTuneRegionRules(t *testing.T) {
	if os.Getenv("PANTAU_TUNE") == "" {
		t.Skip("set PANTAU_TUNE=1")
	}
	tg, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer func(a, b, c, e int, d float64) {
		farFiled, datelineWeight, maxOffices, nameWeight, officeShare = a, b, c, e, d
	}(farFiled, datelineWeight, maxOffices, nameWeight, officeShare)
	nw0, k0, r0 := nameWeight, maxOffices, officeShare
	for _, nw := range []int{1, 2, 3, 4} {
		for _, k := range []int{1, 2, 3} {
			for _, r := range []float64{0, 0.34, 0.5, 0.67, 1} {
				nameWeight, maxOffices, officeShare = nw, k, r
				s := evalTags(t, tg, func(s string) bool { return !kaltimfeed.HeldOut(s) })
				t.Logf("name weight %d, offices %d, share %.2f: %s", nw, k, r, s)
			}
		}
	}
	nameWeight, maxOffices, officeShare = nw0, k0, r0
	defer func(a, b int) { minCues, shortText = a, b }(minCues, shortText)
	for _, mc := range []int{1, 2, 3} {
		for _, st := range []int{0, 200, 280, 400, 600} {
			minCues, shortText = mc, st
			s := evalTags(t, tg, func(s string) bool { return !kaltimfeed.HeldOut(s) })
			t.Logf("min cues %d below %d characters: %s", mc, st, s)
		}
	}
	for _, ff := range []int{2, 3, 4, 5} {
		for _, dw := range []int{0, 1} {
			farFiled, datelineWeight = ff, dw
			s := evalTags(t, tg, func(s string) bool { return !kaltimfeed.HeldOut(s) })
			t.Logf("far-filed %d, dateline %d: %s", ff, dw, s)
		}
	}
}
