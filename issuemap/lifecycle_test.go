package issuemap

import (
	"context"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
	"github.com/diskominfo-kaltim/pantau/store/storetest"
)

// The spike rule and the lifecycle on the store's figures: the fixture's
// spike (7 mentions against 1 a day) and negative turn are meningkat,
// the steady issue is not.
func TestIssuesJudgesSpikesAndLifecycle(t *testing.T) {
	ctx := context.Background()
	b := openStore(t, "issuemap_judge")
	until := time.Date(2024, 6, 12, 0, 0, 0, 0, time.UTC)
	storetest.IssueFixture(t, b, until)
	list, err := Issues(ctx, b, store.IssueFilter{Since: until.Add(-30 * 24 * time.Hour), Until: until})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.IssueSummary{}
	for _, s := range list {
		got[s.ID] = s
	}
	if s := got["isu-spike"]; !s.Spike || s.Lifecycle != Meningkat || s.ByKind != [3]int{21, 0, 0} ||
		!s.LifecycleSince.Equal(time.Date(2024, 6, 11, 0, 0, 0, 0, news.WITA)) {
		t.Errorf("spike issue %+v", s)
	}
	if s := got["isu-turn"]; !s.Spike || s.Lifecycle != Meningkat {
		t.Errorf("negative turn not flagged: %+v", s)
	}
	if s := got["isu-steady"]; s.Spike || s.Lifecycle != Berlangsung {
		t.Errorf("steady issue %+v", s)
	}
}

func TestLifecycle(t *testing.T) {
	until := time.Date(2025, 3, 15, 16, 0, 0, 0, time.UTC) // 16 March 00:00 WITA
	day := func(back int, labels [4]int, kinds [3]int) store.IssueDay {
		return store.IssueDay{Day: until.Add(-time.Duration(back)*24*time.Hour - time.Hour).In(news.WITA).Format(time.DateOnly),
			ByLabel: labels, ByKind: kinds}
	}
	f := func(name string, want string, first time.Time, days ...store.IssueDay) {
		t.Helper()
		var s store.IssueSummary
		for _, d := range days {
			if d.Day == until.Add(-time.Hour).In(news.WITA).Format(time.DateOnly) {
				s.Today = d.ByLabel[0] + d.ByLabel[1] + d.ByLabel[2] + d.ByLabel[3]
			}
		}
		if got := Lifecycle(s, days, first, until); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	f("new", Baru, until.Add(-30*time.Hour), day(1, [4]int{0, 1, 1, 0}, [3]int{2, 0, 0}), day(0, [4]int{0, 0, 1, 0}, [3]int{1, 0, 0}))
	f("quiet two days", Mereda, until.Add(-6*24*time.Hour), day(5, [4]int{0, 0, 2, 2}, [3]int{4, 0, 0}), day(3, [4]int{0, 1, 1, 0}, [3]int{2, 0, 0}))
	f("down to a third of its peak", Mereda, until.Add(-6*24*time.Hour), day(4, [4]int{0, 1, 4, 4}, [3]int{9, 0, 0}),
		day(2, [4]int{0, 1, 2, 0}, [3]int{3, 0, 0}), day(0, [4]int{0, 1, 0, 0}, [3]int{1, 0, 0}))
	// A release on day 3 back; since then, the tone is better.
	f("answered, tone improved", Ditangani, until.Add(-6*24*time.Hour), day(5, [4]int{0, 0, 1, 2}, [3]int{3, 0, 0}),
		day(3, [4]int{0, 1, 0, 0}, [3]int{0, 1, 0}), day(1, [4]int{1, 1, 1, 0}, [3]int{2, 0, 1}), day(0, [4]int{1, 1, 0, 0}, [3]int{2, 0, 0}))
	f("answered, still angry", Berlangsung, until.Add(-6*24*time.Hour), day(5, [4]int{0, 1, 1, 0}, [3]int{2, 0, 0}),
		day(3, [4]int{0, 1, 0, 0}, [3]int{0, 1, 0}), day(1, [4]int{0, 0, 1, 2}, [3]int{3, 0, 0}), day(0, [4]int{0, 0, 1, 1}, [3]int{2, 0, 0}))
}

// The day each state began: the first article (baru), the first of the
// last day's mentions (meningkat), the government's first answer
// (ditangani), the first of the quiet days that end the issue (mereda);
// none for berlangsung.
func TestLifecycleSince(t *testing.T) {
	until := time.Date(2025, 3, 15, 16, 0, 0, 0, time.UTC) // 16 March 00:00 WITA
	day := func(back int, labels [4]int, kinds [3]int) store.IssueDay {
		return store.IssueDay{Day: until.Add(-time.Duration(back)*24*time.Hour - time.Hour).In(news.WITA).Format(time.DateOnly),
			ByLabel: labels, ByKind: kinds}
	}
	f := func(name, state string, first time.Time, want string, days ...store.IssueDay) {
		t.Helper()
		got := LifecycleSince(state, days, first, until)
		if s := got.Format(time.DateOnly); want == "" && !got.IsZero() || want != "" && (s != want || got.Location() != news.WITA || got.Hour() != 0) {
			t.Errorf("%s: %v, want %q", name, got, want)
		}
	}
	f("new", Baru, until.Add(-30*time.Hour), "2025-03-14", day(1, [4]int{0, 1, 1, 0}, [3]int{2, 0, 0}))
	f("spiking", Meningkat, until.Add(-6*24*time.Hour), "2025-03-15", day(5, [4]int{0, 1, 0, 0}, [3]int{1, 0, 0}),
		day(0, [4]int{0, 1, 3, 3}, [3]int{7, 0, 0}))
	f("answered", Ditangani, until.Add(-6*24*time.Hour), "2025-03-12", day(5, [4]int{0, 0, 1, 2}, [3]int{3, 0, 0}),
		day(3, [4]int{0, 1, 0, 0}, [3]int{0, 1, 0}), day(1, [4]int{1, 1, 0, 0}, [3]int{2, 0, 0}))
	// Peak 4 five days back, 2 three days back (not quiet), then nothing.
	f("quiet since", Mereda, until.Add(-6*24*time.Hour), "2025-03-13", day(5, [4]int{0, 0, 2, 2}, [3]int{4, 0, 0}),
		day(3, [4]int{0, 1, 1, 0}, [3]int{2, 0, 0}))
	// Peak 9 four days back, 3 and 1 after it: quiet from the next day on.
	f("down to a third", Mereda, until.Add(-6*24*time.Hour), "2025-03-12", day(4, [4]int{0, 1, 4, 4}, [3]int{9, 0, 0}),
		day(2, [4]int{0, 1, 2, 0}, [3]int{3, 0, 0}), day(0, [4]int{0, 1, 0, 0}, [3]int{1, 0, 0}))
	f("ongoing", Berlangsung, until.Add(-6*24*time.Hour), "", day(1, [4]int{0, 1, 1, 0}, [3]int{2, 0, 0}))
	f("no days", Mereda, until.Add(-6*24*time.Hour), "")
}
