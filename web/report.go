package web

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/diskominfo-kaltim/pantau/report"
	"github.com/diskominfo-kaltim/pantau/store"
)

type reportData struct {
	Date     string // YYYY-MM-DD
	Day      time.Time
	Max      string
	CanSend  bool
	Sent     string
	NoData   bool
	Problem  string
	Previous string
	Next     string
}

// reportDay reads ?tanggal= (YYYY-MM-DD, WITA); yesterday by default.
func (s *Server) reportDay(r *http.Request) (time.Time, bool) {
	v := r.URL.Query().Get("tanggal")
	if v == "" {
		v = r.PostFormValue("tanggal")
	}
	if v == "" {
		y, m, d := s.Now().In(wita).AddDate(0, 0, -1).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, wita), true
	}
	t, err := time.ParseInLocation("2006-01-02", v, wita)
	return t, err == nil
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, sess *session) {
	day, ok := s.reportDay(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Tanggal tidak valid; pakai format TTTT-BB-HH.")
		return
	}
	d := reportData{Date: day.Format("2006-01-02"), Day: day, Max: s.Now().In(wita).Format("2006-01-02"),
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
	s.render(w, r, http.StatusOK, "report", view{Title: "Laporan", Active: "laporan", User: sess.user, CSRF: sess.CSRF, Data: d})
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
	day, ok := s.reportDay(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Tanggal tidak valid; pakai format TTTT-BB-HH.")
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
	day, ok := s.reportDay(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Tanggal tidak valid; pakai format TTTT-BB-HH.")
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
	day, ok := s.reportDay(r)
	if !ok {
		s.fail(w, r, http.StatusBadRequest, "Tanggal tidak valid; pakai format TTTT-BB-HH.")
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
