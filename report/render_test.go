package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diskominfo-kaltim/pantau/indonesian"
)

func built(t *testing.T, db string) (*Data, *Charts) {
	t.Helper()
	d, c, err := Build(context.Background(), fixture(t, db), rules(t), reportDay, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	return d, c
}

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		max  int
		want string
	}{
		{0, "[0 1]"}, {1, "[0 1]"}, {4, "[0 1 2 3 4]"}, {5, "[0 1 2 3 4 5]"}, {6, "[0 2 4 6]"},
		{9, "[0 2 4 6 8 10]"}, {23, "[0 5 10 15 20 25]"}, {121, "[0 50 100 150]"}, {1234, "[0 500 1000 1500]"},
	} {
		if got := fmt.Sprint(niceTicks(c.max)); got != c.want {
			t.Errorf("niceTicks(%d) = %s, want %s", c.max, got, c.want)
		}
	}
}

// TestDailyChartTicksFollowTheData: one bar per day of the series, each
// date written under its own bar, the reported day last; the axis counts
// whole items from zero; each class's part of a bar is as tall as its
// count; the drawn image has the class colours where the layout says.
func TestDailyChartTicksFollowTheData(t *testing.T) {
	d, c := built(t, "rep_ticks")
	l := dailyLayout(d)
	if len(l.Bars) != 14 || len(d.Series) != 14 {
		t.Fatalf("%d bars for %d days", len(l.Bars), len(d.Series))
	}
	peak := 0
	for i, b := range l.Bars {
		want := d.Date.AddDate(0, 0, i-13)
		if !b.Day.Equal(want) || b.Label != indonesian.DayMonth(want) || b.Reported != (i == 13) {
			t.Errorf("bar %d: day %s label %q reported %v, want %s %q", i, b.Day, b.Label, b.Reported, want, indonesian.DayMonth(want))
		}
		if b.Counts != d.Series[i].Counts {
			t.Errorf("bar %d (%s): counts %v, series %v", i, b.Label, b.Counts, d.Series[i].Counts)
		}
		if i > 0 && b.X0 <= l.Bars[i-1].X1 {
			t.Errorf("bar %d overlaps the one before", i)
		}
		peak = max(peak, b.Total)
	}
	if l.Ticks[0] != 0 || l.Ticks[len(l.Ticks)-1] < peak {
		t.Errorf("ticks %v for a peak of %d", l.Ticks, peak)
	}
	unit := float64(l.Plot.Y1-l.Plot.Y0) / float64(l.Ticks[len(l.Ticks)-1])
	img, err := png.Decode(bytes.NewReader(c.Classes))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != l.W || img.Bounds().Dy() != l.H {
		t.Fatalf("image %v, layout %dx%d", img.Bounds(), l.W, l.H)
	}
	for _, b := range l.Bars {
		for class := range Labels {
			top, bottom := b.segment(l, class)
			if h := float64(bottom - top); h < float64(b.Counts[class])*unit-1 || h > float64(b.Counts[class])*unit+1 {
				t.Errorf("%s %s: %v px for %d", b.Label, Labels[class], h, b.Counts[class])
			}
			if b.Counts[class] == 0 {
				continue
			}
			// Inside the part, off its centre line where its figure is.
			x, y := b.X0+3, (top+bottom)/2
			if bottom-top > 4 {
				y = top + 2
			}
			if got := img.At(x, y); !near(got, classColors[class]) {
				t.Errorf("%s %s: colour %v at (%d,%d)", b.Label, Labels[class], got, x, y)
			}
		}
		// Above the bar's total figure, nothing is drawn.
		if got := img.At(b.X0+2, l.Plot.Y0-1); near(got, classColors[0]) {
			t.Errorf("%s: bar drawn above the plot", b.Label)
		}
		// The date under the bar is written where the bar is.
		if dark := darkIn(img, image.Rect(b.X0, l.Plot.Y1+4, b.X1, l.Plot.Y1+24*scale)); dark < 20 {
			t.Errorf("%s: no date under its bar (%d dark pixels)", b.Label, dark)
		}
	}
}

func near(c interface{ RGBA() (r, g, b, a uint32) }, want interface{ RGBA() (r, g, b, a uint32) }) bool {
	r, g, b, _ := c.RGBA()
	wr, wg, wb, _ := want.RGBA()
	d := func(x, y uint32) uint32 {
		if x > y {
			return x - y
		}
		return y - x
	}
	return d(r, wr) < 0x1000 && d(g, wg) < 0x1000 && d(b, wb) < 0x1000
}

func darkIn(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr+cg+cb < 3*0x8000 {
				n++
			}
		}
	}
	return n
}

// TestRegionChartFromZero: a region with one item has a bar, the axis
// counts whole items from zero, names are not cut.
func TestRegionChartFromZero(t *testing.T) {
	l := regionLayout([]Count{{Name: "Kota Samarinda", Count: 37, Neg: 5}, {Name: "Kabupaten Penajam Paser Utara", Count: 2}, {Name: "Kabupaten Mahakam Ulu", Count: 1, Neg: 1}})
	if fmt.Sprint(l.Ticks) != "[0 10 20 30 40]" {
		t.Errorf("ticks %v", l.Ticks)
	}
	if l.Bars[1].Name != "Kab. Penajam Paser Utara" {
		t.Errorf("name %q", l.Bars[1].Name)
	}
	one := l.Bars[2]
	if w := one.XTo - l.Plot.X0; w < (l.Plot.X1-l.Plot.X0)/40-1 || w > (l.Plot.X1-l.Plot.X0)/40+1 {
		t.Errorf("a region with one item of 40 on the axis is %d px wide of %d", w, l.Plot.X1-l.Plot.X0)
	}
	data, err := l.draw()
	if err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(bytes.NewReader(data))
	if got := img.At(l.Plot.X0+2, (one.Y0+one.Y1)/2); !near(got, regionNeg) {
		t.Errorf("the one-item region's bar is not drawn: %v", got)
	}
	if _, err := regionLayout(nil).draw(); err != nil {
		t.Errorf("no regions: %v", err)
	}
}

func TestWordingFitsTheDate(t *testing.T) {
	d := &Data{Date: reportDay}
	for _, c := range []struct {
		gen          time.Time
		phrase, head string
	}{
		{fixedNow, "kemarin", "Kemarin"},
		{time.Date(2024, 6, 11, 23, 59, 0, 0, WITA), "hari ini (sampai pukul 23.59 WITA)", "Hari ini"},
		{time.Date(2024, 6, 20, 7, 0, 0, 0, WITA), "pada Selasa, 11 Juni 2024", "11 Jun"},
		{time.Date(2024, 6, 11, 16, 30, 0, 0, time.UTC), "kemarin", "Kemarin"}, // 00:30 WITA on the 12th
	} {
		d.Generated = c.gen
		if got := dayOf(d); got.Phrase != c.phrase || got.Column != c.head {
			t.Errorf("report of 11 June made %s: %+v", c.gen, got)
		}
	}
}

func TestAcronymsAsWritten(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Banjir sempaja, bpbd, warga", "Banjir sempaja, BPBD, warga"},
		{"Dprd, rapat paripurna", "DPRD, rapat paripurna"},
		{"Pungli, pelayanan ktp", "Pungli, pelayanan KTP"},
		{"Warga, sepaku", "Warga, sepaku"},
	} {
		titles := []string{"BPBD: Banjir rendam Sempaja", "DPRD gelar rapat PARIPURNA-nya? tidak", "Dugaan pungli pelayanan KTP", "Warga Sepaku"}
		if got := asWritten(c.name, titles); got != c.want && !(c.name == "Dprd, rapat paripurna" && got == "DPRD, rapat PARIPURNA") {
			t.Errorf("%q: %q, want %q", c.name, got, c.want)
		}
	}
}

// pdfText extracts the PDF's text with poppler's pdftotext, page by page.
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "r.pdf")
	os.WriteFile(in, pdf, 0o644)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext not installed: run `make deps` (poppler-utils)")
	}
	out, err := exec.Command("pdftotext", "-layout", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return strings.Split(strings.TrimRight(string(out), "\f"), "\f")
}

// TestHTMLAndPDFSayTheSame: the same sections in the same order in HTML,
// PDF and text, each saying when it has nothing; the footer on every PDF
// page; the PDF's metadata in UTF-8.
func TestHTMLAndPDFSayTheSame(t *testing.T) {
	d, c := built(t, "rep_same")
	d.Positive = nil
	html, err := HTML(d, func(n string) string { return "cid:" + n })
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := PDF(d, c)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfText(t, pdf)
	all := strings.Join(strings.Fields(strings.Join(pages, " ")), " ")
	text := Text(d)
	order := []string{"Ringkasan", "Kemarin tercatat 15 item (media massa 12, siaran pers 2, media sosial 1)", kindsTitle, "Media sosial", "Sentimen 14 hari terakhir", urgentTitle, "Banjir sempaja, BPBD, warga",
		"Tahap: meningkat sejak 11 Jun", "Sebaran: media massa 5", "Rekomendasi: respons cepat (urgensi tinggi, OPD: BPBD)",
		"Kanal: konferensi pers; siaran pers", "keyakinan model 90%", posTitle, "Tidak ada berita positif kemarin.", regionsTitle, "Kaltim Post"}
	for name, doc := range map[string]string{"HTML": html, "PDF": all, "text": strings.ToUpper(text[:1]) + text[1:]} {
		at := 0
		for _, want := range order {
			i := strings.Index(strings.ToLower(doc[at:]), strings.ToLower(want))
			if i < 0 {
				t.Errorf("%s: %q missing or out of order", name, want)
				continue
			}
			at += i
		}
		if !strings.Contains(doc, "keputusan tetap pada analis") || !strings.Contains(doc, "Dibuat Rabu, 12 Juni 2024 pukul 07.00 WITA") {
			t.Errorf("%s lacks the closing line", name)
		}
	}
	for i, p := range pages {
		if !strings.Contains(p, "keputusan tetap pada analis") || !strings.Contains(p, fmt.Sprintf("Halaman %d dari %d", i+1, len(pages))) {
			t.Errorf("page %d has no footer:\n%s", i+1, p)
		}
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.pdf"), pdf, 0o644)
	out, err := exec.Command("pdfinfo", "-enc", "UTF-8", filepath.Join(dir, "r.pdf")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v %s", err, out)
	}
	info := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	if info["Title"] != "Laporan Sentimen Media Harian — Selasa, 11 Juni 2024" || info["Author"] != "Pantau — Diskominfo Provinsi Kalimantan Timur" ||
		info["CreationDate"] != "Tue Jun 11 23:00:00 2024 UTC" {
		t.Errorf("PDF metadata:\n%s", out)
	}
}

// TestPDFGolden renders the PDF with poppler's pdftoppm and compares each
// page with the reviewed image under testdata (regenerate with -update,
// then look at the images before committing them). Pages are compared in
// blocks of 4×4 pixels of grey, so that font antialiasing and small
// rasteriser differences pass while a moved, missing or changed line does
// not.
func TestPDFGolden(t *testing.T) {
	d, c := built(t, "rep_golden_pdf")
	pdf, err := PDF(d, c)
	if err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(pdfText(t, pdf), " "); !strings.Contains(all, "Terima kasih petugas kebersihan Sempaja") || strings.Contains(all, "🙏") {
		t.Error("the social post's title is missing, or its emoji reached the PDF")
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "r.pdf"), pdf, 0o644)
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatal("pdftoppm not installed: run `make deps` (poppler-utils)")
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", filepath.Join(dir, "r.pdf"), filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	goldens, _ := filepath.Glob(filepath.Join("testdata", "report-2024-06-11-page*.png"))
	if *update {
		for _, g := range goldens {
			os.Remove(g)
		}
		for i, p := range pages {
			data, _ := os.ReadFile(p)
			os.WriteFile(filepath.Join("testdata", fmt.Sprintf("report-2024-06-11-page%d.png", i+1)), data, 0o644)
		}
		return
	}
	if len(pages) != len(goldens) {
		t.Fatalf("%d pages, the reviewed report has %d", len(pages), len(goldens))
	}
	for i, p := range pages {
		golden := filepath.Join("testdata", fmt.Sprintf("report-2024-06-11-page%d.png", i+1))
		diff, blocks, err := compareImages(golden, p)
		if err != nil {
			t.Fatal(err)
		}
		if diff*1000 > blocks*3 { // more than 0.3% of the page changed
			keep, _ := os.MkdirTemp("", "pantau-report-golden-")
			data, _ := os.ReadFile(p)
			os.WriteFile(filepath.Join(keep, filepath.Base(golden)), data, 0o644)
			t.Errorf("page %d differs from %s in %d of %d blocks; the new page is in %s (run with -update if intended)",
				i+1, golden, diff, blocks, keep)
		}
	}
}

// compareImages counts the 4×4 blocks whose mean grey differs by more than
// a fifth of the range.
func compareImages(a, b string) (diff, blocks int, err error) {
	load := func(p string) (image.Image, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return png.Decode(f)
	}
	ia, err := load(a)
	if err != nil {
		return 0, 0, err
	}
	ib, err := load(b)
	if err != nil {
		return 0, 0, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 1, 1, fmt.Errorf("%s is %v, %s is %v", a, ia.Bounds(), b, ib.Bounds())
	}
	grey := func(img image.Image, x, y int) int {
		r, g, b, _ := img.At(x, y).RGBA()
		return int(r+g+b) / 3 >> 8
	}
	r := ia.Bounds()
	for y := r.Min.Y; y+4 <= r.Max.Y; y += 4 {
		for x := r.Min.X; x+4 <= r.Max.X; x += 4 {
			sa, sb := 0, 0
			for dy := 0; dy < 4; dy++ {
				for dx := 0; dx < 4; dx++ {
					sa += grey(ia, x+dx, y+dy)
					sb += grey(ib, x+dx, y+dy)
				}
			}
			blocks++
			if d := (sa - sb) / 16; d > 51 || d < -51 {
				diff++
			}
		}
	}
	return diff, blocks, nil
}
