package web

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/diskominfo-kaltim/pantau/indonesian"
	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

type reportData struct {
	Date     string // YYYY-MM-DD, for links
	Field    string // what the date field shows: "29/11/2026", or what was typed when it is not a date
	Day      time.Time
	Max      string
	CanSend  bool
	Sent     string
	NoData   bool
	Problem  string
	BadDate  bool // the field holds no date: no report to show
	Previous string
	Next     string
}

// The date field is text, written the Indonesian way (29/11/2026): a
// browser's date input follows the browser's own locale (11/29/2026 in a
// US-English one) and its messages are not ours.
const (
	fieldLayout = "02/01/2006"
	dayHint     = "tulis hh/bb/tttt, misalnya 29/11/2026"
)

var (
	numericDay = regexp.MustCompile(`^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$`)
	isoDay     = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	wordDay    = regexp.MustCompile(`^(\d{1,2})\s+(\pL+)\.?\s+(\d{4})$`)
)

// parseDay reads a day (00:00 WITA) as an analyst writes it: 29/11/2026
// (or with - or . between), 29 November 2026 or 29 Nov 2026, and
// 2026-11-29 as links carry it. Its errors are the analyst's, in Bahasa
// Indonesia.
func parseDay(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	var day, month, year string
	switch {
	case numericDay.MatchString(v):
		m := numericDay.FindStringSubmatch(v)
		day, month, year = m[1], m[2], m[3]
	case isoDay.MatchString(v):
		m := isoDay.FindStringSubmatch(v)
		year, month, day = m[1], m[2], m[3]
	case wordDay.MatchString(v):
		m := wordDay.FindStringSubmatch(v)
		day, year = m[1], m[3]
		name := strings.ToLower(m[2])
		for i, full := range indonesian.Months {
			full = strings.ToLower(full)
			if name == full || name == full[:3] || name == "agt" && i == 7 {
				month = strconv.Itoa(i + 1)
			}
		}
		if month == "" {
			return time.Time{}, fmt.Errorf("bulan %q tidak dikenal; %s", m[2], dayHint)
		}
	default:
		return time.Time{}, fmt.Errorf("%q bukan tanggal; %s", v, dayHint)
	}
	d, _ := strconv.Atoi(day)
	mo, _ := strconv.Atoi(month)
	y, _ := strconv.Atoi(year)
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, wita)
	if mo < 1 || mo > 12 || t.Day() != d || y < 1900 {
		return time.Time{}, fmt.Errorf("tanggal %q tidak ada; %s", v, dayHint)
	}
	return t, nil
}

// reportDay reads ?tanggal= (see parseDay); yesterday (WITA) by default.
func (s *Server) reportDay(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("tanggal")
	if v == "" {
		v = r.PostFormValue("tanggal")
	}
	if strings.TrimSpace(v) == "" {
		y, m, d := s.Now().In(wita).AddDate(0, 0, -1).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, wita), nil
	}
	return parseDay(v)
}

// badDay answers a request for a report whose date cannot be read.
func (s *Server) badDay(w http.ResponseWriter, r *http.Request, err error) {
	s.fail(w, r, http.StatusBadRequest, capital(err.Error())+".")
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, sess *session) {
	v := view{Title: "Laporan", Active: "laporan", User: sess.user, CSRF: sess.CSRF}
	today := s.Now().In(wita)
	day, err := s.reportDay(r)
	if err == nil && day.After(today) {
		err = fmt.Errorf("tanggal %s belum tiba; laporan paling akhir adalah hari ini, %s", day.Format(fieldLayout), today.Format(fieldLayout))
	}
	if err != nil {
		// The form again, with what was typed and why it is not a date.
		v.Data = reportData{Field: r.URL.Query().Get("tanggal"), Max: today.Format("2006-01-02"), BadDate: true,
			Problem: capital(err.Error()) + "."}
		s.render(w, r, http.StatusBadRequest, "report", v)
		return
	}
	d := reportData{Date: day.Format("2006-01-02"), Field: day.Format(fieldLayout), Day: day, Max: today.Format("2006-01-02"),
		CanSend: s.SendReport != nil, Sent: r.URL.Query().Get("terkirim"),
		Previous: day.AddDate(0, 0, -1).Format("2006-01-02"), Next: day.AddDate(0, 0, 1).Format("2006-01-02")}
	counts, err := store.ClassCounts(r.Context(), s.Store, day.UTC(), day.AddDate(0, 0, 1).UTC())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	d.NoData = counts == [4]int{}
	if e := r.URL.Query().Get("galat"); e != "" {
		d.Problem = e
	}
	v.Data = d
	s.render(w, r, http.StatusOK, "report", v)
}

// reportHTML renders a day's report with its charts inline.
func (s *Server) reportHTML(r *http.Request, day time.Time) (string, error) {
	d, charts, err := report.Build(r.Context(), s.Store, s.Rules, day, s.Now())
	if err != nil {
		return "", err
	}
	return report.HTML(d, func(name string) string {
		img := charts.Classes
		if name == "regions" {
			img = charts.Regions
		}
		return "data:image/png;base64," + base64.StdEncoding.EncodeToString(img)
	})
}

// reportPreview serves the report as the e-mail's HTML, for the page's
// frame.
func (s *Server) reportPreview(w http.ResponseWriter, r *http.Request, sess *session) {
	day, err := s.reportDay(r)
	if err != nil {
		s.badDay(w, r, err)
		return
	}
	html, err := s.reportHTML(r, day)
	if errors.Is(err, report.ErrNoData) {
		s.fail(w, r, http.StatusNotFound, "Tidak ada pemberitaan tersimpan untuk tanggal ini.")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte(html))
}

// reportDownload serves the report as an HTML or PDF attachment.
func (s *Server) reportDownload(w http.ResponseWriter, r *http.Request, sess *session) {
	day, err := s.reportDay(r)
	if err != nil {
		s.badDay(w, r, err)
		return
	}
	name := "laporan-pantau-" + day.Format("2006-01-02")
	switch r.URL.Query().Get("format") {
	case "pdf":
		d, charts, err := report.Build(r.Context(), s.Store, s.Rules, day, s.Now())
		if errors.Is(err, report.ErrNoData) {
			s.fail(w, r, http.StatusNotFound, "Tidak ada pemberitaan tersimpan untuk tanggal ini.")
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		pdf, err := report.PDF(d, charts)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.pdf"`)
		w.Write(pdf)
	case "html", "":
		html, err := s.reportHTML(r, day)
		if errors.Is(err, report.ErrNoData) {
			s.fail(w, r, http.StatusNotFound, "Tidak ada pemberitaan tersimpan untuk tanggal ini.")
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.html"`)
		w.Write([]byte(html))
	default:
		s.fail(w, r, http.StatusBadRequest, "Format unduhan: html atau pdf.")
	}
}

// reportSend sends a day's report now (admin), even if it went out
// before: the admin asked for it.
func (s *Server) reportSend(w http.ResponseWriter, r *http.Request, sess *session) {
	day, err := s.reportDay(r)
	if err != nil {
		s.badDay(w, r, err)
		return
	}
	back := "/laporan?tanggal=" + day.Format("2006-01-02")
	if s.SendReport == nil {
		http.Redirect(w, r, back+"&galat="+url.QueryEscape("Pengiriman e-mail belum diatur (smtp-host dan report-to)."), http.StatusSeeOther)
		return
	}
	id, err := s.SendReport(r.Context(), day, true)
	if errors.Is(err, report.ErrNoData) {
		http.Redirect(w, r, back+"&galat="+url.QueryEscape("Tidak ada pemberitaan tersimpan untuk tanggal ini; laporan tidak dikirim."), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.Log.Error("sending the report from the web app", "date", day.Format("2006-01-02"), "error", err)
		s.audit(r, sess.user.Name, "kirim laporan", day.Format("2006-01-02"), "gagal: "+err.Error())
		http.Redirect(w, r, back+"&galat="+url.QueryEscape("Laporan gagal dikirim; rinciannya ada di log."), http.StatusSeeOther)
		return
	}
	s.audit(r, sess.user.Name, "kirim laporan", day.Format("2006-01-02"), id)
	http.Redirect(w, r, back+"&terkirim="+url.QueryEscape(id), http.StatusSeeOther)
}
