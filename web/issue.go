package web

import (
	"html/template"

	"github.com/diskominfo-kaltim/pantau/issuemap"
	"github.com/diskominfo-kaltim/pantau/report"
)

// What issue mapping computes, as the Isu and Detail isu pages say it:
// the lifecycle with since when, where an issue spreads, and the brief's
// draft. The words are the daily report's (package report), so the
// Kadis reads the same in both.

// draftTitle names the draft a strategy calls for.
func draftTitle(strategy string) string {
	switch strategy {
	case issuemap.ResponsCepat:
		return "Draf tanggapan"
	case issuemap.Klarifikasi:
		return "Draf klarifikasi"
	case issuemap.Sosialisasi:
		return "Draf naskah sosialisasi"
	case issuemap.Seremoni:
		return "Draf naskah acara"
	case issuemap.Entertain:
		return "Draf unggahan cerita"
	}
	return "Draf siaran pers"
}

// issueFuncs are the template functions of the issue parts
// (templates/issueparts.html).
var issueFuncs = template.FuncMap{
	"stage":      report.Stage,
	"stageHint":  report.StageHint,
	"spread":     report.Spread,
	"draftTitle": draftTitle,
}
