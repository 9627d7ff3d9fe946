package report

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

var monthsID = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
var daysID = []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}

// DateID writes a date the Indonesian way: "Selasa, 11 Juni 2024".
func DateID(t time.Time) string {
	t = t.In(WITA)
	return fmt.Sprintf("%s, %d %s %d", daysID[t.Weekday()], t.Day(), monthsID[t.Month()-1], t.Year())
}

// Subject is the e-mail subject of the report.
func Subject(d *Data) string {
	return fmt.Sprintf("Laporan Sentimen Media Harian — %s", DateID(d.Date))
}

type headline struct {
	Label    string
	Count    int
	Change   string // against the previous day
	Avg      string // 7-day average
	Color    string
	Negative bool
}

func headlines(d *Data) []headline {
	colors := []string{"#2e7d32", "#78828c", "#f59e0b", "#c62828"}
	var out []headline
	for i, l := range Labels {
		diff := d.Counts[i] - d.Prev[i]
		ch := fmt.Sprintf("%+d", diff)
		if diff == 0 {
			ch = "tetap"
		}
		out = append(out, headline{Label: l, Count: d.Counts[i], Change: ch, Avg: fmt.Sprintf("%.1f", d.Avg7[i]),
			Color: colors[i], Negative: i >= 2})
	}
	return out
}

var htmlTmpl = template.Must(template.New("r").Funcs(template.FuncMap{
	"date": DateID,
	"pct":  func(a, b int) string { return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(max(b, 1))) },
	"neg":  func(by [4]int) int { return by[2] + by[3] },
	"join": func(s []string) string { return strings.Join(s, ", ") },
	"wita": func(t time.Time) string { return t.In(WITA).Format("15:04") + " WITA" },
}).Parse(`<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;max-width:920px;margin:0 auto;padding:16px">
<h1 style="font-size:22px;margin:0 0 4px">Laporan Sentimen Media Harian</h1>
<p style="margin:0 0 16px;color:#52606d">{{date .D.Date}} · Diskominfo Provinsi Kalimantan Timur · dibuat otomatis oleh Pantau</p>

<h2 style="font-size:17px">Ringkasan</h2>
<p>Kemarin tercatat <b>{{.D.Total}}</b> pemberitaan: {{range $i, $h := .Heads}}{{if $i}}, {{end}}<span style="color:{{$h.Color}}">{{$h.Label}} {{$h.Count}}</span>{{end}}.</p>
<table style="border-collapse:collapse;width:100%;margin-bottom:12px">
<tr style="background:#f0f4f8"><th style="text-align:left;padding:6px">Kategori</th><th style="text-align:right;padding:6px">Kemarin</th><th style="text-align:right;padding:6px">Dibanding hari sebelumnya</th><th style="text-align:right;padding:6px">Rata-rata 7 hari</th></tr>
{{range .Heads}}<tr><td style="padding:6px;border-bottom:1px solid #e4e7eb;color:{{.Color}}"><b>{{.Label}}</b></td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Count}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Change}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Avg}}</td></tr>
{{end}}</table>
<h3 style="font-size:15px;margin:12px 0 4px">Sentimen 14 hari terakhir</h3>
<img src="{{.ClassesSrc}}" alt="Grafik empat kategori sentimen 14 hari terakhir" width="900" style="max-width:100%">

<h2 style="font-size:17px">Isu yang perlu direspons</h2>
{{if .D.Urgent}}{{range .D.Urgent}}<div style="border-left:4px solid {{if eq .Rec.Urgency "tinggi"}}#c62828{{else if eq .Rec.Urgency "sedang"}}#f59e0b{{else}}#78828c{{end}};padding:4px 10px;margin:10px 0">
<b>{{.Name}}</b>{{if .Spike}} <span style="color:#c62828">▲ melonjak</span>{{end}}<br>
{{.Mentions}} berita, {{neg .ByLabel}} negatif/berpotensi negatif ({{pct (neg .ByLabel) .Mentions}}){{if .Regions}} · {{join .Regions}}{{end}}<br>
<b>Rekomendasi: {{.Rec.Strategy}}</b> (urgensi {{.Rec.Urgency}}, OPD: {{.Rec.OPD}}) — {{.Rec.Reason}}
<ul style="margin:4px 0">{{range .Articles}}<li><a href="{{.URL}}">{{.Title}}</a> — {{.Outlet}}</li>{{end}}</ul></div>
{{end}}{{else}}<p>Tidak ada isu negatif atau berpotensi negatif kemarin.</p>{{end}}

<h2 style="font-size:17px">Berita positif untuk diperkuat</h2>
{{if .D.Positive}}<ul>{{range .D.Positive}}<li><a href="{{.URL}}">{{.Title}}</a> — {{.Outlet}}</li>{{end}}</ul>{{else}}<p>Tidak ada berita positif kemarin.</p>{{end}}

<h2 style="font-size:17px">Sebaran wilayah dan media</h2>
<img src="{{.RegionsSrc}}" alt="Grafik pemberitaan per wilayah" width="900" style="max-width:100%">
<table style="border-collapse:collapse;width:100%">
<tr style="background:#f0f4f8"><th style="text-align:left;padding:6px">Media</th><th style="text-align:right;padding:6px">Berita</th><th style="text-align:right;padding:6px">Negatif/berpotensi</th></tr>
{{range .D.Outlets}}<tr><td style="padding:6px;border-bottom:1px solid #e4e7eb">{{.Name}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Count}}</td><td style="text-align:right;padding:6px;border-bottom:1px solid #e4e7eb">{{.Neg}}</td></tr>
{{end}}</table>
<p style="color:#7b8794;font-size:12px;margin-top:20px">Label dan rekomendasi disusun otomatis; keputusan tetap pada analis. Dibuat {{wita .D.Generated}}.</p>
</body></html>
`))

// HTML renders the report; src maps chart names ("classes", "regions") to
// image sources (cid: links in the e-mail, data: or files elsewhere).
func HTML(d *Data, src func(name string) string) (string, error) {
	var b bytes.Buffer
	err := htmlTmpl.Execute(&b, map[string]any{
		"D": d, "Heads": headlines(d), "Subject": Subject(d),
		"ClassesSrc": template.URL(src("classes")), "RegionsSrc": template.URL(src("regions")),
	})
	return b.String(), err
}

// Text renders the plain-text alternative.
func Text(d *Data) string {
	var b strings.Builder
	fmt.Fprintf(&b, "LAPORAN SENTIMEN MEDIA HARIAN\n%s\n\nRINGKASAN: %d pemberitaan\n", DateID(d.Date), d.Total())
	for _, h := range headlines(d) {
		fmt.Fprintf(&b, "  %-20s %4d  (%s dibanding hari sebelumnya; rata-rata 7 hari %s)\n", h.Label, h.Count, h.Change, h.Avg)
	}
	b.WriteString("\nISU YANG PERLU DIRESPONS\n")
	if len(d.Urgent) == 0 {
		b.WriteString("  Tidak ada isu negatif atau berpotensi negatif kemarin.\n")
	}
	for i, u := range d.Urgent {
		spike := ""
		if u.Spike {
			spike = " [MELONJAK]"
		}
		fmt.Fprintf(&b, "%d. %s%s — %d berita, %d negatif/berpotensi negatif\n   Rekomendasi: %s (urgensi %s, OPD: %s). %s\n",
			i+1, u.Name, spike, u.Mentions, u.ByLabel[2]+u.ByLabel[3], u.Rec.Strategy, u.Rec.Urgency, u.Rec.OPD, u.Rec.Reason)
		for _, a := range u.Articles {
			fmt.Fprintf(&b, "   - %s (%s) %s\n", a.Title, a.Outlet, a.URL)
		}
	}
	b.WriteString("\nBERITA POSITIF UNTUK DIPERKUAT\n")
	for _, a := range d.Positive {
		fmt.Fprintf(&b, "  - %s (%s) %s\n", a.Title, a.Outlet, a.URL)
	}
	b.WriteString("\nWILAYAH\n")
	for _, r := range d.Regions {
		fmt.Fprintf(&b, "  %-32s %4d\n", r.Name, r.Count)
	}
	b.WriteString("\nMEDIA\n")
	for _, o := range d.Outlets {
		fmt.Fprintf(&b, "  %-32s %4d (negatif/berpotensi %d)\n", o.Name, o.Count, o.Neg)
	}
	b.WriteString("\nLabel dan rekomendasi disusun otomatis oleh Pantau; keputusan tetap pada analis.\n")
	return b.String()
}

// PDF renders the report as an A4 document with the charts.
func PDF(d *Data, c *Charts) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("") // cp1252 for the core fonts
	pdf.SetTitle(tr(Subject(d)), false)
	pdf.SetAuthor("Pantau — Diskominfo Kaltim", false)
	pdf.SetMargins(15, 15, 15)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.CellFormat(0, 8, tr("Laporan Sentimen Media Harian"), "", 1, "L", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	pdf.CellFormat(0, 6, tr(DateID(d.Date)+" · Diskominfo Provinsi Kalimantan Timur"), "", 1, "L", false, 0, "")
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "B", 10)
	for _, h := range []string{"Kategori", "Kemarin", "Vs hari sebelumnya", "Rata-rata 7 hari"} {
		pdf.CellFormat(45, 7, tr(h), "1", 0, "C", false, 0, "")
	}
	pdf.Ln(-1)
	pdf.SetFont("Helvetica", "", 10)
	for _, h := range headlines(d) {
		pdf.CellFormat(45, 7, tr(h.Label), "1", 0, "L", false, 0, "")
		pdf.CellFormat(45, 7, fmt.Sprint(h.Count), "1", 0, "R", false, 0, "")
		pdf.CellFormat(45, 7, tr(h.Change), "1", 0, "R", false, 0, "")
		pdf.CellFormat(45, 7, h.Avg, "1", 1, "R", false, 0, "")
	}
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "B", 11)
	pdf.CellFormat(0, 7, tr("Sentimen 14 hari terakhir"), "", 1, "L", false, 0, "")
	image := func(name string, data []byte) {
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(data))
		pdf.ImageOptions(name, 15, pdf.GetY(), 180, 0, true, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	image("classes", c.Classes)
	section := func(t string) {
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "B", 12)
		pdf.CellFormat(0, 8, tr(t), "", 1, "L", false, 0, "")
		pdf.SetFont("Helvetica", "", 9)
	}
	link := func(title, outlet, url string) {
		pdf.SetTextColor(21, 101, 192)
		pdf.WriteLinkString(5, tr("• "+title), url)
		pdf.SetTextColor(0, 0, 0)
		pdf.Write(5, tr(" — "+outlet))
		pdf.Ln(5)
	}
	section("Isu yang perlu direspons")
	if len(d.Urgent) == 0 {
		pdf.MultiCell(0, 5, tr("Tidak ada isu negatif atau berpotensi negatif kemarin."), "", "L", false)
	}
	for i, u := range d.Urgent {
		pdf.SetFont("Helvetica", "B", 10)
		spike := ""
		if u.Spike {
			spike = " (melonjak)"
		}
		pdf.MultiCell(0, 5, tr(fmt.Sprintf("%d. %s%s — %d berita, %d negatif/berpotensi negatif", i+1, u.Name, spike, u.Mentions, u.ByLabel[2]+u.ByLabel[3])), "", "L", false)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(0, 5, tr(fmt.Sprintf("Rekomendasi: %s (urgensi %s, OPD: %s). %s", u.Rec.Strategy, u.Rec.Urgency, u.Rec.OPD, u.Rec.Reason)), "", "L", false)
		for _, a := range u.Articles {
			link(a.Title, a.Outlet, a.URL)
		}
	}
	section("Berita positif untuk diperkuat")
	for _, a := range d.Positive {
		link(a.Title, a.Outlet, a.URL)
	}
	pdf.AddPage()
	section("Sebaran wilayah dan media")
	image("regions", c.Regions)
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.CellFormat(120, 7, "Media", "1", 0, "L", false, 0, "")
	pdf.CellFormat(30, 7, "Berita", "1", 0, "R", false, 0, "")
	pdf.CellFormat(30, 7, tr("Neg./berpotensi"), "1", 1, "R", false, 0, "")
	pdf.SetFont("Helvetica", "", 10)
	for _, o := range d.Outlets {
		pdf.CellFormat(120, 7, tr(o.Name), "1", 0, "L", false, 0, "")
		pdf.CellFormat(30, 7, fmt.Sprint(o.Count), "1", 0, "R", false, 0, "")
		pdf.CellFormat(30, 7, fmt.Sprint(o.Neg), "1", 1, "R", false, 0, "")
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
