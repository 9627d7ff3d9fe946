package report

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// The report reads the same in HTML (the e-mail and --out .html), plain
// text (the e-mail's alternative and the terminal) and PDF: the same
// sections in the same order, each saying so when it has nothing, numbers
// and dates written the Indonesian way.

// Subject is the e-mail subject of the report.
func Subject(d *Data) string {
	return "Laporan Sentimen Media Harian — " + indonesian.Date(d.Date.In(WITA))
}

// day names the report's day the way a reader at the time of writing
// says it: "kemarin" only when it is the day before the report was made.
type day struct {
	Phrase string // in a sentence: "kemarin", "hari ini (sampai pukul 14.05 WITA)", "pada Minggu, 29 November 2026"
	Column string // a table heading: "Kemarin", "Hari ini", "29 Nov"
}

func dayOf(d *Data) day {
	gen := d.Generated.In(WITA)
	genDay := time.Date(gen.Year(), gen.Month(), gen.Day(), 0, 0, 0, 0, WITA)
	switch date := d.Date.In(WITA); {
	case date.Equal(genDay.AddDate(0, 0, -1)):
		return day{"kemarin", "Kemarin"}
	case date.Equal(genDay):
		return day{"hari ini (sampai pukul " + indonesian.Clock(gen) + " WITA)", "Hari ini"}
	default:
		return day{"pada " + indonesian.Date(date), indonesian.DayMonth(date)}
	}
}

// capital starts a sentence.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type headline struct {
	Label  string
	Count  string
	Change string // against the previous day
	Avg    string // 7-day average
	Color  string
}

var classHex = [4]string{"#2e7d32", "#78828c", "#b45309", "#c62828"}

// noFigure stands where the store holds nothing to compare with: the day
// before, or the days of the average, precede its first mention.
const noFigure = "–"

func headlines(d *Data) []headline {
	var out []headline
	for i, l := range Labels {
		ch := indonesian.Signed(int64(d.Counts[i] - d.Prev[i]))
		switch {
		case !d.HasPrev:
			ch = noFigure
		case d.Counts[i] == d.Prev[i]:
			ch = "tetap"
		}
		avg := noFigure
		if d.AvgDays > 0 {
			avg = indonesian.Decimal(d.Avg7[i], 1)
		}
		out = append(out, headline{Label: l, Count: indonesian.Int(int64(d.Counts[i])), Change: ch, Avg: avg, Color: classHex[i]})
	}
	return out
}

// avgTitle heads the average's column: "Rata-rata 7 hari", fewer where
// the store begins later.
func avgTitle(d *Data) string {
	if d.AvgDays == 0 {
		return "Rata-rata 7 hari"
	}
	return "Rata-rata " + strconv.Itoa(d.AvgDays) + " hari"
}

// chartTitle heads the daily chart: "Sentimen 14 hari terakhir", or from
// the first day with stored mentions when that is later — "Sentimen sejak
// 17 November 2026 (awal data tersimpan)".
func chartTitle(d *Data) string { return "Sentimen " + chartSpan(d) }

// chartSpan is the days the chart shows: "14 hari terakhir", or "sejak 17
// November 2026 (awal data tersimpan)".
func chartSpan(d *Data) string {
	if !d.DataSince.IsZero() {
		return "sejak " + indonesian.DateNoDay(d.DataSince.In(WITA)) + " (awal data tersimpan)"
	}
	return "14 hari terakhir"
}

// mixed reports whether the day's items came from more than one kind of
// source: only then does the report split them.
func mixed(d *Data) bool { return len(d.Kinds) > 1 }

// summary is the report's first sentence.
func summary(d *Data) string {
	var parts []string
	for i, l := range Labels {
		parts = append(parts, l+" "+indonesian.Int(int64(d.Counts[i])))
	}
	what := "pemberitaan"
	if mixed(d) {
		var kinds []string
		for _, k := range d.Kinds {
			kinds = append(kinds, news.KindName(k.Kind)+" "+indonesian.Int(int64(total(k.Counts))))
		}
		what = "item (" + strings.Join(kinds, ", ") + ")"
	}
	return fmt.Sprintf("%s tercatat %s %s: %s.", capital(dayOf(d).Phrase), indonesian.Int(int64(d.Total())), what, strings.Join(parts, ", "))
}

func total(c [4]int) int { return c[0] + c[1] + c[2] + c[3] }

// kindRow is one kind of source in the split table.
type kindRow struct {
	Name   string
	Total  string
	Counts [4]string
	Neg    string // share of negatif and berpotensi negatif
}

const kindsTitle = "Media massa dan media sosial"

func kindRows(d *Data) []kindRow {
	if !mixed(d) {
		return nil
	}
	var out []kindRow
	for _, k := range d.Kinds {
		r := kindRow{Name: capital(news.KindName(k.Kind)), Total: indonesian.Int(int64(total(k.Counts))),
			Neg: indonesian.Percent(k.Counts[2]+k.Counts[3], total(k.Counts))}
		for i, c := range k.Counts {
			r.Counts[i] = indonesian.Int(int64(c))
		}
		out = append(out, r)
	}
	return out
}

// issueLine is an issue's figures: "5 pemberitaan, 5 negatif/berpotensi
// negatif (100%) · Kota Samarinda".
func issueLine(u IssueItem) string {
	neg := u.ByLabel[2] + u.ByLabel[3]
	s := fmt.Sprintf("%s pemberitaan, %s negatif/berpotensi negatif (%s)", indonesian.Int(int64(u.Mentions)), indonesian.Int(int64(neg)),
		indonesian.Percent(neg, u.Mentions))
	if len(u.Regions) > 0 {
		s += " · " + strings.Join(u.Regions, ", ")
	}
	return s
}

// recommendation is an issue's drafted strategy: "Rekomendasi: respons
// cepat (urgensi tinggi, OPD: BPBD Kota Samarinda) — reason".
func recommendation(u IssueItem) string {
	opd := ""
	if u.Rec.OPD != "" {
		opd = ", OPD: " + u.Rec.OPD
	}
	return fmt.Sprintf("Rekomendasi: %s (urgensi %s%s) — %s", u.Rec.Strategy, u.Rec.Urgency, opd, u.Rec.Reason)
}

// stageLine is where an issue is in its life and where it spreads:
// "Tahap: meningkat sejak 29 Nov (pemberitaan melonjak …) · Sebaran: media
// massa 3, media sosial 2 (Instagram)"; "" when neither is known.
func stageLine(u IssueItem) string {
	var parts []string
	if st := Stage(u.IssueSummary); st != "" {
		if h := StageHint(u.Lifecycle); h != "" {
			st += " (" + h + ")"
		}
		parts = append(parts, "Tahap: "+st)
	}
	if sp := Spread(u.IssueSummary); sp != "" {
		parts = append(parts, "Sebaran: "+sp)
	}
	return strings.Join(parts, " · ")
}

// channelLine is where the office should answer: "Kanal: siaran pers;
// akun Instagram resmi Dinas PUPR"; "" for none (pantau).
func channelLine(u IssueItem) string {
	if len(u.Rec.Channels) == 0 {
		return ""
	}
	return "Kanal: " + strings.Join(u.Rec.Channels, "; ")
}

// articleNote follows an article's title: its outlet, kind, label and
// the model's confidence: "Kabar Mahakam · media sosial · Instagram ·
// negatif, keyakinan model 72%".
func articleNote(a store.Article) string {
	s := a.Outlet
	k := ArticleKind(a)
	if a.Platform != "" && strings.HasPrefix(strings.ToLower(a.Outlet), strings.ToLower(a.Platform)+":") {
		// "Facebook: Warga Balikpapan Barat" already names the platform.
		k = news.KindName(a.Kind)
	}
	if k != "" {
		s += " · " + k
	}
	return s + " · " + a.Label + ", " + LabelNote(a)
}

var wordRe = regexp.MustCompile(`[\p{L}\p{N}][\p{L}\p{N}-]*`)

// asWritten restores the acronyms of an issue name (made from lower-cased
// key phrases: "Dprd kaltim, apbd") as its articles write them: "DPRD
// kaltim, APBD".
func asWritten(name string, titles []string) string {
	upper := map[string]string{}
	for _, t := range titles {
		for _, w := range wordRe.FindAllString(t, -1) {
			if len([]rune(w)) >= 2 && w == strings.ToUpper(w) && w != strings.ToLower(w) {
				upper[strings.ToLower(w)] = w
			}
		}
	}
	return wordRe.ReplaceAllStringFunc(name, func(w string) string {
		if u, ok := upper[strings.ToLower(w)]; ok {
			return u
		}
		return w
	})
}

func issueName(u IssueItem) string {
	titles := make([]string, len(u.Articles))
	for i, a := range u.Articles {
		titles[i] = a.Title
	}
	return asWritten(u.Name, titles)
}

// closing is the report's last line.
func closing(d *Data) string {
	return "Label dan rekomendasi disusun otomatis oleh Pantau; keputusan tetap pada analis. Dibuat " +
		indonesian.DateTime(d.Generated.In(WITA)) + "."
}

const (
	titleText    = "Laporan Sentimen Media Harian"
	office       = "Diskominfo Provinsi Kalimantan Timur"
	urgentTitle  = "Isu yang perlu direspons"
	posTitle     = "Berita positif untuk diperkuat"
	regionsTitle = "Sebaran wilayah dan media"
)

var htmlTmpl = template.Must(template.New("r").Funcs(template.FuncMap{
	"int":      func(n int) string { return indonesian.Int(int64(n)) },
	"line":     issueLine,
	"rec":      recommendation,
	"stage":    stageLine,
	"channels": channelLine,
	"note":     articleNote,
	"name":     issueName,
	"printed":  printable,
}).Parse(`<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;max-width:920px;margin:0 auto;padding:16px">
<h1 style="font-size:22px;margin:0 0 4px">{{.Title}}</h1>
<p style="margin:0 0 16px;color:#52606d">{{.Date}} · {{.Office}} · dibuat otomatis oleh Pantau</p>

<h2 style="font-size:17px">Ringkasan</h2>
<p>{{.Summary}}</p>
<table style="border-collapse:collapse;width:100%;margin-bottom:12px">
<tr style="background:#f0f4f8"><th style="text-align:left;padding:6px">Kategori</th><th style="text-align:right;padding:6px">{{.Day.Column}}</th><th style="text-align:right;padding:6px">Dibanding hari sebelumnya</th><th style="text-align:right;padding:6px">{{.AvgTitle}}</th></tr>
{{range .Heads}}<tr><td style="padding:6px;border-bottom:1px solid #e4e7eb;color:{{.Color}}"><b>{{.Label}}</b></td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Count}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Change}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Avg}}</td></tr>
{{end}}</table>
{{if .Kinds}}<h3 style="font-size:15px;margin:12px 0 4px">{{.KindsTitle}}</h3>
<table style="border-collapse:collapse;width:100%;margin-bottom:12px">
<tr style="background:#f0f4f8"><th style="text-align:left;padding:6px">Sumber</th><th style="text-align:right;padding:6px">Jumlah</th>{{range $i, $l := .Labels}}<th style="text-align:right;padding:6px;color:{{index $.Hex $i}}">{{$l}}</th>{{end}}<th style="text-align:right;padding:6px">Negatif/berpotensi</th></tr>
{{range .Kinds}}<tr><td style="padding:6px;border-bottom:1px solid #e4e7eb"><b>{{.Name}}</b></td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Total}}</td>{{range .Counts}}<td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.}}</td>{{end}}<td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Neg}}</td></tr>
{{end}}</table>
{{end}}<h3 style="font-size:15px;margin:12px 0 4px">{{.ChartTitle}}</h3>
<img src="{{.ClassesSrc}}" alt="Grafik batang jumlah pemberitaan per hari menurut kategori sentimen, {{.ChartSpan}}" width="900" style="max-width:100%">

<h2 style="font-size:17px">{{.UrgentTitle}}</h2>
{{if .D.Urgent}}{{range $i, $u := .D.Urgent}}<div style="border-left:4px solid {{if eq .Rec.Urgency "tinggi"}}#c62828{{else if eq .Rec.Urgency "sedang"}}#f59e0b{{else}}#78828c{{end}};padding:4px 10px;margin:10px 0">
<b>{{printed (name $u)}}</b>{{if .Spike}} <span style="color:#c62828">▲ melonjak</span>{{end}}<br>
{{line $u}}<br>
{{with stage $u}}{{.}}<br>
{{end}}<b>{{rec $u}}</b>{{with channels $u}}<br>
{{.}}{{end}}
<ul style="margin:4px 0">{{range .Articles}}<li><a href="{{.URL}}">{{printed .Title}}</a> — <span style="color:#52606d">{{note .}}</span></li>{{end}}</ul></div>
{{end}}{{else}}<p>Tidak ada isu negatif atau berpotensi negatif {{.Day.Phrase}}.</p>{{end}}

<h2 style="font-size:17px">{{.PosTitle}}</h2>
{{if .D.Positive}}<ul>{{range .D.Positive}}<li><a href="{{.URL}}">{{printed .Title}}</a> — <span style="color:#52606d">{{note .}}</span></li>{{end}}</ul>{{else}}<p>Tidak ada berita positif {{.Day.Phrase}}.</p>{{end}}

<h2 style="font-size:17px">{{.RegionsTitle}}</h2>
<img src="{{.RegionsSrc}}" alt="Grafik batang jumlah pemberitaan per kabupaten/kota" width="900" style="max-width:100%">
<table style="border-collapse:collapse;width:100%">
<tr style="background:#f0f4f8"><th style="text-align:left;padding:6px">Media atau akun</th><th style="text-align:right;padding:6px">Jumlah</th><th style="text-align:right;padding:6px">Negatif/berpotensi</th></tr>
{{range .D.Outlets}}<tr><td style="padding:6px;border-bottom:1px solid #e4e7eb">{{.Name}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{int .Count}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{int .Neg}}</td></tr>
{{end}}</table>
<p style="color:#7b8794;font-size:12px;margin-top:20px">{{.Closing}}</p>
</body></html>
`))

// HTML renders the report; src maps chart names ("classes", "regions") to
// image sources (cid: links in the e-mail, data: or files elsewhere).
func HTML(d *Data, src func(name string) string) (string, error) {
	var b bytes.Buffer
	err := htmlTmpl.Execute(&b, map[string]any{
		"D": d, "Heads": headlines(d), "Subject": Subject(d), "Day": dayOf(d), "Summary": summary(d),
		"Title": titleText, "Office": office, "Date": indonesian.Date(d.Date.In(WITA)), "Closing": closing(d),
		"Kinds": kindRows(d), "KindsTitle": kindsTitle, "Labels": Labels, "Hex": classHex,
		"ChartTitle": chartTitle(d), "ChartSpan": chartSpan(d), "AvgTitle": avgTitle(d), "UrgentTitle": urgentTitle, "PosTitle": posTitle, "RegionsTitle": regionsTitle,
		"ClassesSrc": template.URL(src("classes")), "RegionsSrc": template.URL(src("regions")),
	})
	return b.String(), err
}

// Text renders the plain-text alternative.
func Text(d *Data) string {
	var b strings.Builder
	dy := dayOf(d)
	fmt.Fprintf(&b, "%s\n%s · %s\n\nRINGKASAN\n%s\n", strings.ToUpper(titleText), indonesian.Date(d.Date.In(WITA)), office, summary(d))
	fmt.Fprintf(&b, "  %-20s %9s  %-26s %s\n", "Kategori", dy.Column, "Dibanding hari sebelumnya", avgTitle(d))
	for _, h := range headlines(d) {
		fmt.Fprintf(&b, "  %-20s %9s  %-26s %s\n", h.Label, h.Count, h.Change, h.Avg)
	}
	if rows := kindRows(d); rows != nil {
		fmt.Fprintf(&b, "\n%s\n  %-24s %7s %9s %9s %20s %9s %20s\n", strings.ToUpper(kindsTitle), "Sumber", "Jumlah",
			Labels[0], Labels[1], Labels[2], Labels[3], "Negatif/berpotensi")
		for _, r := range rows {
			fmt.Fprintf(&b, "  %-24s %7s %9s %9s %20s %9s %20s\n", r.Name, r.Total, r.Counts[0], r.Counts[1], r.Counts[2], r.Counts[3], r.Neg)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", strings.ToUpper(chartTitle(d)))
	for _, s := range d.Series {
		var parts []string
		for i, l := range Labels {
			parts = append(parts, l+" "+indonesian.Int(int64(s.Counts[i])))
		}
		fmt.Fprintf(&b, "  %-7s %5s  %s\n", indonesian.DayMonth(s.Day.In(WITA)), indonesian.Int(int64(s.Counts[0]+s.Counts[1]+s.Counts[2]+s.Counts[3])),
			strings.Join(parts, " · "))
	}
	fmt.Fprintf(&b, "\n%s\n", strings.ToUpper(urgentTitle))
	if len(d.Urgent) == 0 {
		fmt.Fprintf(&b, "  Tidak ada isu negatif atau berpotensi negatif %s.\n", dy.Phrase)
	}
	for i, u := range d.Urgent {
		spike := ""
		if u.Spike {
			spike = " [MELONJAK]"
		}
		fmt.Fprintf(&b, "%d. %s%s\n   %s\n", i+1, printable(issueName(u)), spike, issueLine(u))
		for _, l := range []string{stageLine(u), recommendation(u), channelLine(u)} {
			if l != "" {
				fmt.Fprintf(&b, "   %s\n", l)
			}
		}
		for _, a := range u.Articles {
			fmt.Fprintf(&b, "   - %s (%s) %s\n", printable(a.Title), articleNote(a), a.URL)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", strings.ToUpper(posTitle))
	if len(d.Positive) == 0 {
		fmt.Fprintf(&b, "  Tidak ada berita positif %s.\n", dy.Phrase)
	}
	for _, a := range d.Positive {
		fmt.Fprintf(&b, "  - %s (%s) %s\n", printable(a.Title), articleNote(a), a.URL)
	}
	fmt.Fprintf(&b, "\n%s\nWilayah:\n", strings.ToUpper(regionsTitle))
	for _, r := range d.Regions {
		fmt.Fprintf(&b, "  %-32s %5s  (negatif/berpotensi %s)\n", r.Name, indonesian.Int(int64(r.Count)), indonesian.Int(int64(r.Neg)))
	}
	b.WriteString("Media:\n")
	for _, o := range d.Outlets {
		fmt.Fprintf(&b, "  %-32s %5s  (negatif/berpotensi %s)\n", o.Name, indonesian.Int(int64(o.Count)), indonesian.Int(int64(o.Neg)))
	}
	fmt.Fprintf(&b, "\n%s\n", closing(d))
	return b.String()
}

// PDF renders the report as an A4 document with the charts, in a font
// that writes every Indonesian character (UTF-8 throughout, metadata too),
// with the closing line as every page's footer.
func PDF(d *Data, c *Charts) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	// The same data renders to the same pages (fpdf may still order its
	// image objects differently).
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(d.Generated.UTC()) // written without a zone, read as UTC
	pdf.SetModificationDate(d.Generated.UTC())
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetTitle(Subject(d), true)
	pdf.SetAuthor("Pantau — "+office, true)
	pdf.SetCreator("Pantau", true)
	pdf.SetLang("id-ID")
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-15)
		pdf.SetFont("go", "", 7.5)
		pdf.SetTextColor(123, 135, 148)
		note, made, _ := strings.Cut(closing(d), " Dibuat ")
		pdf.CellFormat(150, 3.6, note, "", 0, "L", false, 0, "")
		pdf.CellFormat(30, 3.6, fmt.Sprintf("Halaman %d dari {nb}", pdf.PageNo()), "", 1, "R", false, 0, "")
		pdf.CellFormat(150, 3.6, "Dibuat "+made, "", 0, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	const width = 180.0
	_, pageH := pdf.GetPageSize()
	// room makes sure h millimetres fit on the page, so that a heading
	// stays with what follows it.
	room := func(h float64) {
		if pdf.GetY()+h > pageH-20 {
			pdf.AddPage()
		}
	}
	section := func(t string, next float64) {
		pdf.Ln(3)
		room(9 + next)
		pdf.SetFont("go", "B", 12)
		pdf.CellFormat(0, 8, t, "", 1, "L", false, 0, "")
		pdf.SetFont("go", "", 9)
	}
	para := func(s string) { pdf.MultiCell(0, 5, printable(s), "", "L", false) }
	image := func(name string, data []byte, w, h int) {
		hmm := width * float64(h) / float64(w)
		room(hmm)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(data))
		pdf.ImageOptions(name, 15, pdf.GetY(), width, hmm, true, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	link := func(title, note, url string) {
		room(10) // a link and its note, which may take a second line, on one page
		pdf.SetX(18)
		pdf.SetTextColor(21, 101, 192)
		pdf.WriteLinkString(5, "• "+printable(title), url)
		pdf.SetTextColor(82, 96, 109)
		pdf.Write(5, " — "+printable(note))
		pdf.SetTextColor(0, 0, 0)
		pdf.Ln(5)
	}

	pdf.SetFont("go", "B", 16)
	pdf.CellFormat(0, 8, titleText, "", 1, "L", false, 0, "")
	pdf.SetFont("go", "", 10)
	pdf.SetTextColor(82, 96, 109)
	pdf.CellFormat(0, 6, indonesian.Date(d.Date.In(WITA))+" · "+office+" · dibuat otomatis oleh Pantau", "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)

	section("Ringkasan", 40)
	pdf.SetFont("go", "", 10)
	para(summary(d))
	pdf.Ln(2)
	cols := []float64{54, 30, 50, 46}
	pdf.SetFont("go", "B", 9.5)
	pdf.SetFillColor(240, 244, 248)
	for i, h := range []string{"Kategori", dayOf(d).Column, "Dibanding hari sebelumnya", avgTitle(d)} {
		align := "R"
		if i == 0 {
			align = "L"
		}
		pdf.CellFormat(cols[i], 7, h, "B", 0, align, true, 0, "")
	}
	pdf.Ln(-1)
	for i, h := range headlines(d) {
		rgb := classColors[i]
		pdf.SetFont("go", "B", 9.5)
		pdf.SetTextColor(int(rgb.R), int(rgb.G), int(rgb.B))
		pdf.CellFormat(cols[0], 7, h.Label, "B", 0, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.SetFont("go", "", 9.5)
		pdf.CellFormat(cols[1], 7, h.Count, "B", 0, "R", false, 0, "")
		pdf.CellFormat(cols[2], 7, h.Change, "B", 0, "R", false, 0, "")
		pdf.CellFormat(cols[3], 7, h.Avg, "B", 1, "R", false, 0, "")
	}

	if rows := kindRows(d); rows != nil {
		pdf.Ln(2)
		room(8 + 7*float64(len(rows)+1))
		pdf.SetFont("go", "B", 10.5)
		pdf.CellFormat(0, 7, kindsTitle, "", 1, "L", false, 0, "")
		widths := []float64{48, 20, 20, 20, 32, 20, 20}
		pdf.SetFont("go", "B", 9)
		for i, h := range []string{"Sumber", "Jumlah", Labels[0], Labels[1], Labels[2], Labels[3], "Neg./berpot."} {
			align := "R"
			if i == 0 {
				align = "L"
			}
			if i >= 2 && i <= 5 {
				rgb := classText[i-2]
				pdf.SetTextColor(int(rgb.R), int(rgb.G), int(rgb.B))
			}
			pdf.CellFormat(widths[i], 7, h, "B", 0, align, true, 0, "")
			pdf.SetTextColor(0, 0, 0)
		}
		pdf.Ln(-1)
		for _, r := range rows {
			pdf.SetFont("go", "B", 9)
			pdf.CellFormat(widths[0], 7, r.Name, "B", 0, "L", false, 0, "")
			pdf.SetFont("go", "", 9)
			cells := append([]string{r.Total}, r.Counts[:]...)
			for i, c := range append(cells, r.Neg) {
				pdf.CellFormat(widths[i+1], 7, c, "B", 0, "R", false, 0, "")
			}
			pdf.Ln(-1)
		}
	}

	daily := dailyLayout(d)
	section(chartTitle(d), width*float64(daily.H)/float64(daily.W))
	image("classes", c.Classes, daily.W, daily.H)

	section(urgentTitle, 20)
	if len(d.Urgent) == 0 {
		para("Tidak ada isu negatif atau berpotensi negatif " + dayOf(d).Phrase + ".")
	}
	for i, u := range d.Urgent {
		room(32)
		pdf.SetFont("go", "B", 10)
		spike := ""
		if u.Spike {
			spike = " ▲ melonjak"
		}
		para(fmt.Sprintf("%d. %s%s", i+1, issueName(u), spike))
		pdf.SetFont("go", "", 9)
		para(issueLine(u))
		if l := stageLine(u); l != "" {
			para(l)
		}
		pdf.SetFont("go", "B", 9)
		para(recommendation(u))
		pdf.SetFont("go", "", 9)
		if l := channelLine(u); l != "" {
			para(l)
		}
		for _, a := range u.Articles {
			link(a.Title, articleNote(a), a.URL)
		}
		pdf.Ln(1.5)
	}

	section(posTitle, 10)
	if len(d.Positive) == 0 {
		para("Tidak ada berita positif " + dayOf(d).Phrase + ".")
	}
	for _, a := range d.Positive {
		link(a.Title, articleNote(a), a.URL)
	}

	regions := regionLayout(d.Regions)
	section(regionsTitle, width*float64(regions.H)/float64(regions.W))
	image("regions", c.Regions, regions.W, regions.H)
	pdf.Ln(3)
	room(7 + 7*float64(len(d.Outlets))) // the table on one page
	pdf.SetFont("go", "B", 9.5)
	pdf.CellFormat(120, 7, "Media atau akun", "B", 0, "L", true, 0, "")
	pdf.CellFormat(25, 7, "Jumlah", "B", 0, "R", true, 0, "")
	pdf.CellFormat(35, 7, "Negatif/berpotensi", "B", 1, "R", true, 0, "")
	pdf.SetFont("go", "", 9.5)
	for _, o := range d.Outlets {
		pdf.CellFormat(120, 7, printable(o.Name), "B", 0, "L", false, 0, "")
		pdf.CellFormat(25, 7, indonesian.Int(int64(o.Count)), "B", 0, "R", false, 0, "")
		pdf.CellFormat(35, 7, indonesian.Int(int64(o.Neg)), "B", 1, "R", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
