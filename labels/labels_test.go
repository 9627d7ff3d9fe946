package labels

import (
	"testing"

	"github.com/diskominfo-kaltim/pantau/news"
)

func TestEmbeddedSets(t *testing.T) {
	for _, tc := range []struct {
		name string
		read func() ([]Item, error)
		n    int
	}{{"kaltim", Kaltim, 1355}, {"news4", News4, 2501}} {
		items, err := tc.read()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(items) != tc.n {
			t.Fatalf("%s: %d items, want %d", tc.name, len(items), tc.n)
		}
		for _, it := range items {
			switch it.Label {
			case "positif", "netral", "berpotensi negatif", "negatif":
			default:
				t.Fatalf("%s: item %s has label %q", tc.name, it.ID, it.Label)
			}
			if it.ID == "" || it.Title+it.Text == "" {
				t.Fatalf("%s: item without id, title or text: %+v", tc.name, it)
			}
		}
	}
	k, _ := Kaltim()
	stories := map[string]bool{}
	for _, it := range k {
		if it.Story == "" || it.Day < 1 || it.Day > 14 || it.Outlet == "" {
			t.Fatalf("kaltim item %s lacks story, day or outlet", it.ID)
		}
		switch it.Kind {
		case news.KindBerita, news.KindRilis, news.KindSosmed:
		default:
			t.Fatalf("kaltim item %s has kind %q", it.ID, it.Kind)
		}
		stories[it.Story] = true
	}
	if len(stories) < 250 {
		t.Fatalf("%d stories, want about 290", len(stories))
	}
}
