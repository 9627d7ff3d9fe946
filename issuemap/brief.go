package issuemap

import (
	"strings"
	"unicode/utf8"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Brief is what an analyst needs to answer an issue, drawn from its own
// articles only: talking points (what happened, what residents say, what
// the government has already said) and a draft to edit. Nothing in it is
// invented: where the draft needs what the articles do not say (the
// steps the office will take, the official facts), it leaves a
// [bracketed gap] for the analyst.
type Brief struct {
	Happened   []string `json:"happened"`   // the story's news, first and latest
	Residents  []string `json:"residents"`  // what residents post
	Government []string `json:"government"` // what the government has said
	Draft      string   `json:"draft"`      // a response, clarification or release to edit; "" for pantau
}

// Brief drafts an issue's talking points and, for rec's strategy, the
// text to edit. arts are the issue's articles (store.IssueArticles),
// oldest first.
func (rs Rules) Brief(s store.IssueSummary, rec Recommendation, arts []store.IssueArticle) Brief {
	b := Brief{Happened: []string{}, Residents: []string{}, Government: []string{}}
	var reports, posts, gov []store.IssueArticle
	for _, a := range arts {
		art := news.Article{Kind: a.Kind, Outlet: a.Outlet, Title: a.Title}
		switch {
		case GovernmentVoice(&art):
			gov = append(gov, a)
		case a.Kind == news.KindSosmed:
			posts = append(posts, a)
		default:
			reports = append(reports, a)
		}
	}
	if len(reports) > 0 {
		b.Happened = append(b.Happened, cite(reports[0]))
		if len(reports) > 1 {
			b.Happened = append(b.Happened, cite(reports[len(reports)-1]))
		}
	}
	// Residents: their posts, the latest first, the complaints first.
	complaintsFirst := func(as []store.IssueArticle) []store.IssueArticle {
		out := make([]store.IssueArticle, 0, len(as))
		for i := len(as) - 1; i >= 0; i-- {
			if as[i].Label == news.LabelNegatif || as[i].Label == news.LabelBerpotensiNegatif {
				out = append(out, as[i])
			}
		}
		for i := len(as) - 1; i >= 0; i-- {
			if as[i].Label != news.LabelNegatif && as[i].Label != news.LabelBerpotensiNegatif {
				out = append(out, as[i])
			}
		}
		return out
	}
	for _, p := range complaintsFirst(posts) {
		if len(b.Residents) == 3 {
			break
		}
		b.Residents = append(b.Residents, quote(p))
	}
	for i := len(gov) - 1; i >= 0 && len(b.Government) < 3; i-- {
		b.Government = append(b.Government, cite(gov[i]))
	}
	b.Draft = draft(s, rec, reports, posts, gov)
	return b
}

// cite is an item's headline with its outlet and day: "Banjir Rendam
// Sempaja (Kabar Mahakam, 3 Nov)".
func cite(a store.IssueArticle) string {
	return a.Title + " (" + a.Outlet + ", " + indonesian.DayMonth(a.Published.In(news.WITA)) + ")"
}

// quote is a post's words, shortened, with where and when it was posted.
func quote(a store.IssueArticle) string {
	text := strings.Join(strings.Fields(a.Lead), " ")
	if text == "" {
		text = a.Title
	}
	return "“" + clip(text, 160) + "” (" + a.Outlet + ", " + indonesian.DayMonth(a.Published.In(news.WITA)) + ")"
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndex(string(r), " "); i > n/2 {
		return string(r)[:i] + " …"
	}
	return string(r) + "…"
}

// The drafts' fixed wording; {name}, {opd}, {since}, {said}, {post},
// {report} are the issue's own facts, [brackets] what the analyst adds.
var drafts = map[string]string{
	ResponsCepat: "{opd} mengikuti perkembangan isu {name} yang diberitakan sejak {since}.{said} Kami memahami keresahan warga{post}. " +
		"Langkah penanganan yang sedang dan akan dilakukan: [isi langkah penanganan, waktu dan lokasinya]. " +
		"Warga dapat menyampaikan laporan melalui [kanal pengaduan].",
	Klarifikasi: "KLARIFIKASI — Beredar informasi terkait {name}{post}.{said} Berdasarkan [sumber resmi atau hasil pemeriksaan], " +
		"informasi tersebut [tidak benar / perlu diluruskan: isi fakta resmi]. Masyarakat diimbau memeriksa kebenaran informasi " +
		"melalui kanal resmi {opd} dan tidak menyebarkan pesan yang belum jelas sumbernya.",
	Sosialisasi: "{opd} menyampaikan informasi mengenai {name}.{report} [Isi manfaat, jadwal, syarat dan cara mendaftar]. " +
		"Informasi lengkap tersedia melalui [kanal informasi resmi].",
	Publikasi: "{opd} menyampaikan perkembangan {name}.{report}{said} [Isi capaian dan angka resmi].",
	Seremoni:  "{opd} menggelar [nama acara] terkait {name} pada [hari, tanggal, tempat].{report} [Isi capaian yang disampaikan].",
	Entertain: "Kisah dari {name}:{report} [Isi cerita warga dengan izin narasumber].",
}

// How a draft brings in the government's last word and a resident's post.
const (
	saidBefore  = " Sebelumnya: "
	postExample = ", antara lain "
)

// draft fills the strategy's wording with the issue's facts.
func draft(s store.IssueSummary, rec Recommendation, reports, posts, gov []store.IssueArticle) string {
	tpl, ok := drafts[rec.Strategy]
	if !ok {
		return ""
	}
	since := ""
	if !s.FirstSeen.IsZero() {
		since = indonesian.DateNoDay(s.FirstSeen.In(news.WITA))
	}
	said, post, report := "", "", ""
	if len(gov) > 0 {
		said = saidBefore + cite(gov[len(gov)-1]) + "."
	}
	if len(posts) > 0 {
		post = postExample + quote(posts[len(posts)-1])
	}
	if len(reports) > 0 {
		report = " " + cite(reports[len(reports)-1]) + "."
	}
	return strings.NewReplacer("{opd}", rec.OPD, "{name}", s.Name, "{since}", since, "{said}", said, "{post}", post,
		"{report}", report).Replace(tpl)
}
