package dashboards

import (
	"strings"

	"github.com/diskominfo-kaltim/pantau/news"
	"github.com/diskominfo-kaltim/pantau/store"
)

// Queries read FINAL (a re-inserted article counts once), show times in
// WITA and filter by the dashboard's time range. Those that need only the
// analytic columns (label, kind, platform, confidence, regions, outlet)
// read pantau.mention_facts (partitioned by month: a range reads its
// months only) and end with store.FinalByPartition. Those that need a
// title, the text, engagement, scores or who labelled read pantau.mentions
// FINAL, narrowed by primary key to the ids mention_facts finds for the
// range (factIDs), or to the ids corrected in it (correctedIDs).
//
// Every panel about items honours the dashboard's variables: region
// (Wilayah), kind (Jenis sumber) and platform (Platform). Each condition
// is inside $__conditionalAll, so "All" costs nothing.

// kinds are the kinds of item as the office names them.
var kinds = []Option{{"media massa", news.KindBerita}, {"siaran pers", news.KindRilis}, {"media sosial", news.KindSosmed}}

// platforms are the social platforms as they name themselves.
var platforms = []Option{{"YouTube", "youtube"}, {"Facebook", "facebook"}, {"Instagram", "instagram"},
	{"X", "x"}, {"TikTok", "tiktok"}, {"Telegram", "telegram"}}

// nameOf is SQL that says column's value as opts name it (the value
// itself when opts do not list it).
func nameOf(column string, opts []Option) string {
	values, texts := make([]string, len(opts)), make([]string, len(opts))
	for i, o := range opts {
		values[i], texts[i] = store.Quote(o.Value), store.Quote(o.Text)
	}
	return "transform(" + column + ", [" + strings.Join(values, ", ") + "], [" + strings.Join(texts, ", ") + "], " + column + ")"
}

var (
	kindName     = nameOf("kind", kinds)
	platformName = nameOf("platform", platforms)
)

var (
	regionVar = Variable{Name: "region", Label: "Wilayah", Description: "Kabupaten/kota yang disebut dalam item",
		SQL: `SELECT DISTINCT arrayJoin(regions) FROM pantau.mention_facts WHERE $__timeFilter(published_at) ORDER BY 1`}
	kindVar = Variable{Name: "kind", Label: "Jenis sumber", Options: kinds,
		Description: "Media massa (berita), siaran pers pemerintah, atau media sosial"}
	platformVar = Variable{Name: "platform", Label: "Platform", Options: platforms,
		Description: "Platform media sosial; memilih platform menyisakan item media sosial saja"}
)

const (
	regionCond   = `$__conditionalAll(hasAny(regions, [${region:singlequote}]), $region)`
	kindCond     = `$__conditionalAll(kind IN (${kind:singlequote}), $kind)`
	platformCond = `$__conditionalAll(platform IN (${platform:singlequote}), $platform)`
	// filters is every variable's condition, for boards with all three.
	filters = regionCond + ` AND ` + kindCond + ` AND ` + platformCond
	// sourceFilters is for the Wilayah board, which shows every region.
	sourceFilters = kindCond + ` AND ` + platformCond

	negative = `label IN ('negatif', 'berpotensi negatif')`
	classes  = `countIf(label = 'positif') AS positif, countIf(label = 'netral') AS netral,
    countIf(label = 'berpotensi negatif') AS "berpotensi negatif", countIf(label = 'negatif') AS negatif`
	issueNames = `(SELECT id, argMax(name, updated_at) AS name FROM pantau.issues GROUP BY id)`
	// lowConfidence: below it the model thinks its label more likely
	// wrong than right.
	lowConfidence = `0.5`
)

// factIDs narrows a query on mentions to the ids mention_facts holds for
// the time range under the board's filters and cond.
func factIDs(cond string) string {
	return `id IN (SELECT id FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND ` + filters + ` AND ` + cond +
		store.FinalByPartition + `)`
}

// correctedIDs narrows a query on mentions to the articles analysts
// labelled in the time range (label_corrections is small and ordered by
// id; the mentions are then read by primary key), as they stand now.
const correctedIDs = `id IN (SELECT id FROM pantau.label_corrections WHERE $__timeFilter(corrected_at))
    AND label_source = 'human' AND $__timeFilter(labeled_at) AND ` + filters

// snippet is a title, or for a post without one, the text's beginning.
const snippet = `if(title != '', title, substringUTF8(text, 1, 140))`

// All returns the office's dashboards.
func All() []Dashboard {
	return []Dashboard{ringkasan(), petaIsu(), wilayah(), media(), koreksi(), operasional()}
}

func ringkasan() Dashboard {
	return Dashboard{UID: "pantau-ringkasan", Title: "Ringkasan Sentimen", File: "ringkasan-sentimen.json", Tags: []string{"pantau"},
		Description: "Sentimen pemberitaan dan percakapan tentang Kalimantan Timur: media massa, siaran pers dan media sosial",
		Variables:   []Variable{regionVar, kindVar, platformVar},
		Panels: []Panel{
			{Title: "Total item", Type: "stat", Format: 1, W: 6, H: 4,
				Description: "Berita, siaran pers dan unggahan media sosial yang terbit dalam rentang waktu ini",
				Columns:     []string{"jumlah"},
				SQL:         `SELECT count() AS jumlah FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND ` + filters + store.FinalByPartition},
			{Title: "Porsi negatif atau berpotensi negatif", Type: "stat", Format: 1, W: 6, H: 4, Unit: "percentunit",
				Description: "Bagian item berlabel negatif atau berpotensi negatif",
				Columns:     []string{"porsi negatif"},
				SQL: `SELECT round(countIf(` + negative + `) / greatest(count(), 1), 3) AS "porsi negatif"
FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND ` + filters + store.FinalByPartition},
			{Title: "Item media massa", Type: "stat", Format: 1, W: 6, H: 4,
				Description: "Berita dari media daring dan cetak",
				Columns:     []string{"jumlah"},
				SQL:         `SELECT count() AS jumlah FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND kind = 'berita' AND ` + filters + store.FinalByPartition},
			{Title: "Item media sosial", Type: "stat", Format: 1, W: 6, H: 4,
				Description: "Unggahan dan komentar publik di YouTube, Facebook, Instagram, X, TikTok dan Telegram",
				Columns:     []string{"jumlah"},
				SQL:         `SELECT count() AS jumlah FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND kind = 'sosmed' AND ` + filters + store.FinalByPartition},
			{Title: "Item per kategori sentimen", Type: "timeseries", Format: 0, W: 24, H: 9,
				Description: "Jumlah item per kategori dari waktu ke waktu (label analis menggantikan label model begitu dikoreksi)",
				Columns:     []string{"time", "positif", "netral", "berpotensi negatif", "negatif"},
				SQL: `SELECT $__timeInterval(published_at) AS time,
    ` + classes + `
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + `
GROUP BY time ORDER BY time` + store.FinalByPartition},
			{Title: "Porsi kategori", Type: "piechart", Format: 1, W: 8,
				Description: "Bagian tiap kategori sentimen dalam rentang waktu ini",
				Columns:     []string{"label", "jumlah"},
				SQL: `SELECT toString(label) AS label, count() AS jumlah
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + `
GROUP BY label ORDER BY label` + store.FinalByPartition},
			{Title: "Perubahan dibanding periode sebelumnya", Type: "table", Format: 1, W: 16,
				Description: "Jumlah item per kategori dalam rentang ini dan dalam rentang sama panjang sebelumnya",
				Columns:     []string{"label", "periode ini", "periode sebelumnya", "perubahan"},
				SQL: `SELECT toString(label) AS label,
    countIf(published_at >= $__fromTime) AS "periode ini",
    countIf(published_at < $__fromTime) AS "periode sebelumnya",
    toInt64("periode ini") - toInt64("periode sebelumnya") AS perubahan
FROM pantau.mention_facts FINAL
WHERE published_at >= $__fromTime - ($__toTime - $__fromTime) AND published_at <= $__toTime AND ` + filters + `
GROUP BY label ORDER BY label` + store.FinalByPartition},

			{Title: "Media massa dan media sosial", Type: "row"},
			{Title: "Volume per jenis sumber", Type: "timeseries", Format: 0, W: 12, H: 9,
				Description: "Item media massa, siaran pers dan media sosial dari waktu ke waktu",
				Columns:     []string{"time", "media massa", "siaran pers", "media sosial"},
				SQL: `SELECT $__timeInterval(published_at) AS time,
    countIf(kind = 'berita') AS "media massa", countIf(kind = 'rilis') AS "siaran pers", countIf(kind = 'sosmed') AS "media sosial"
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + `
GROUP BY time ORDER BY time` + store.FinalByPartition},
			{Title: "Porsi negatif per jenis sumber", Type: "timeseries", Format: 0, W: 12, H: 9, Unit: "percentunit",
				Description: "Bagian item negatif atau berpotensi negatif di media massa, siaran pers dan media sosial dari waktu ke waktu",
				Columns:     []string{"time", "jenis", "porsi negatif"},
				Field:       map[string]any{"min": 0, "max": 1},
				SQL: `SELECT $__timeInterval(published_at) AS time, ` + kindName + ` AS jenis,
    round(countIf(` + negative + `) / count(), 3) AS "porsi negatif"
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + `
GROUP BY time, kind ORDER BY time, kind` + store.FinalByPartition},
			{Title: "Sentimen per jenis sumber", Type: "barchart", Format: 1, W: 12, H: 8,
				Description: "Komposisi kategori sentimen di media massa, siaran pers dan media sosial",
				Columns:     []string{"jenis", "positif", "netral", "berpotensi negatif", "negatif"},
				Options:     map[string]any{"stacking": "normal", "orientation": "horizontal", "xField": "jenis"},
				SQL: `SELECT ` + kindName + ` AS jenis, ` + classes + `
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + `
GROUP BY kind ORDER BY indexOf(['berita', 'rilis', 'sosmed'], kind)` + store.FinalByPartition},
			{Title: "Media sosial per platform", Type: "table", Format: 1, W: 12, H: 8,
				Description: "Unggahan dan komentar per platform dengan komposisi sentimennya",
				Columns:     []string{"media sosial", "item", "positif", "netral", "berpotensi negatif", "negatif", "porsi negatif"},
				SQL: `SELECT ` + platformName + ` AS "media sosial", count() AS item, ` + classes + `,
    round(("berpotensi negatif" + negatif) / item, 2) AS "porsi negatif"
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND kind = 'sosmed' AND ` + filters + `
GROUP BY platform ORDER BY item DESC` + store.FinalByPartition},
			{Title: "Volume per platform", Type: "timeseries", Format: 0, W: 24, H: 8,
				Description: "Item media sosial per platform dari waktu ke waktu",
				Columns:     []string{"time", "media sosial", "item"},
				SQL: `SELECT $__timeInterval(published_at) AS time, ` + platformName + ` AS "media sosial", count() AS item
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND kind = 'sosmed' AND ` + filters + `
GROUP BY time, platform ORDER BY time` + store.FinalByPartition},
			{Title: "Unggahan media sosial dengan keterlibatan tertinggi", Type: "table", Format: 1, W: 24, H: 10,
				Description: "Keterlibatan = suka + komentar + dibagikan, sebagaimana dilaporkan platform saat dirayapi; label dari model atau dari analis",
				Columns:     []string{"waktu", "media sosial", "akun", "unggahan", "label", "suka", "komentar", "dibagikan", "ditonton", "keterlibatan", "tautan"},
				SQL: `SELECT toTimeZone(published_at, 'Asia/Makassar') AS waktu, ` + platformName + ` AS "media sosial", outlet AS akun,
    ` + snippet + ` AS unggahan, toString(label) AS label,
    likes AS suka, comments AS komentar, shares AS dibagikan, views AS ditonton, likes + comments + shares AS keterlibatan, url AS tautan
FROM pantau.mentions FINAL
WHERE ` + factIDs("kind = 'sosmed'") + ` AND $__timeFilter(published_at)
ORDER BY keterlibatan DESC, ditonton DESC, published_at DESC LIMIT 20`},
		}}
}

func petaIsu() Dashboard {
	return Dashboard{UID: "pantau-peta-isu", Title: "Peta Isu", File: "peta-isu.json", Tags: []string{"pantau"},
		Description: "Isu yang diberitakan dan dibicarakan, sentimennya, sumbernya dan OPD yang terkait",
		Variables:   []Variable{regionVar, kindVar, platformVar},
		Panels: []Panel{
			{Title: "Isu teratas", Type: "table", Format: 1, W: 24, H: 10,
				Description: "Isu dengan item terbanyak; media massa dan media sosial menunjukkan di mana isu menyebar",
				Columns:     []string{"isu", "item", "media massa", "media sosial", "positif", "netral", "berpotensi negatif", "negatif", "porsi negatif", "sumber", "opd", "terakhir"},
				SQL: `SELECT any(i.name) AS isu, count() AS item,
    countIf(kind = 'berita') AS "media massa", countIf(kind = 'sosmed') AS "media sosial",
    ` + classes + `,
    round(("berpotensi negatif" + negatif) / item, 2) AS "porsi negatif",
    uniqExact(outlet) AS sumber, arrayStringConcat(groupUniqArrayArray(3)(opds), ', ') AS opd,
    toTimeZone(max(published_at), 'Asia/Makassar') AS terakhir
FROM pantau.mention_facts AS m FINAL
LEFT JOIN ` + issueNames + ` AS i ON i.id = m.issue_id
WHERE $__timeFilter(published_at) AND issue_id != '' AND ` + filters + `
GROUP BY issue_id ORDER BY item DESC LIMIT 50` + store.FinalByPartition},
			{Title: "Isu melonjak (24 jam terakhir dibanding 14 hari sebelumnya)", Type: "table", Format: 1, W: 24, H: 8,
				Description: "Isu dengan sedikitnya 3 item dalam 24 jam terakhir dan tiga kali rata-rata hariannya",
				Columns:     []string{"isu", "24 jam", "rata-rata harian", "porsi negatif 24 jam", "media sosial 24 jam"},
				SQL: `SELECT any(i.name) AS isu,
    countIf(published_at >= $__toTime - INTERVAL 1 DAY) AS "24 jam",
    round(countIf(published_at < $__toTime - INTERVAL 1 DAY) / 14, 1) AS "rata-rata harian",
    round(countIf(published_at >= $__toTime - INTERVAL 1 DAY AND ` + negative + `) / greatest("24 jam", 1), 2) AS "porsi negatif 24 jam",
    countIf(published_at >= $__toTime - INTERVAL 1 DAY AND kind = 'sosmed') AS "media sosial 24 jam"
FROM pantau.mention_facts AS m FINAL
LEFT JOIN ` + issueNames + ` AS i ON i.id = m.issue_id
WHERE published_at >= $__toTime - INTERVAL 15 DAY AND published_at <= $__toTime AND issue_id != '' AND ` + filters + `
GROUP BY issue_id
HAVING "24 jam" >= 3 AND "24 jam" >= 3 * greatest("rata-rata harian", 0.5)
ORDER BY "24 jam" DESC LIMIT 20` + store.FinalByPartition},
			{Title: "Sentimen isu utama dari waktu ke waktu", Type: "timeseries", Format: 0, W: 24, H: 9,
				Description: "Item negatif atau berpotensi negatif dari lima isu terbesar",
				Columns:     []string{"time", "isu", "negatif atau berpotensi"},
				SQL: `SELECT $__timeInterval(published_at) AS time, any(i.name) AS isu,
    countIf(` + negative + `) AS "negatif atau berpotensi"
FROM pantau.mention_facts AS m FINAL
LEFT JOIN ` + issueNames + ` AS i ON i.id = m.issue_id
WHERE $__timeFilter(published_at) AND ` + filters + ` AND issue_id IN (
    SELECT issue_id FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND issue_id != '' AND ` + filters + `
    GROUP BY issue_id ORDER BY count() DESC LIMIT 5)
GROUP BY time, issue_id ORDER BY time` + store.FinalByPartition},
			{Title: "Beban per OPD", Type: "barchart", Format: 1, W: 24,
				Description: "Item yang menyebut tiap OPD, dan yang negatif atau berpotensi negatif",
				Columns:     []string{"opd", "item", "negatif atau berpotensi"},
				Options:     map[string]any{"xField": "opd", "orientation": "horizontal"},
				SQL: `SELECT arrayJoin(opds) AS opd, count() AS item, countIf(` + negative + `) AS "negatif atau berpotensi"
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + `
GROUP BY opd ORDER BY item DESC LIMIT 15` + store.FinalByPartition},
		}}
}

func wilayah() Dashboard {
	return Dashboard{UID: "pantau-wilayah", Title: "Wilayah", File: "wilayah.json", Tags: []string{"pantau"},
		Description: "Sebaran item dan sentimennya per kabupaten/kota Kalimantan Timur",
		Variables:   []Variable{kindVar, platformVar},
		Panels: []Panel{
			{Title: "Peta sentimen kabupaten/kota", Type: "geomap", Format: 1, W: 24, H: 12,
				Description: "Ukuran lingkaran: jumlah item; warna: porsi negatif atau berpotensi negatif",
				Columns:     []string{"wilayah", "latitude", "longitude", "item", "porsi negatif"},
				Options: map[string]any{"view": map[string]any{"id": "coords", "lat": 0.5, "lon": 116.4, "zoom": 6},
					"layers": []any{map[string]any{"type": "markers", "name": "Wilayah", "location": map[string]any{"mode": "coords", "latitude": "latitude", "longitude": "longitude"},
						"config": map[string]any{"size": map[string]any{"field": "item", "min": 4, "max": 30}, "color": map[string]any{"field": "porsi negatif"}}}}},
				SQL: `SELECT r.name AS wilayah, any(r.lat) AS latitude, any(r.lng) AS longitude, count() AS item,
    round(countIf(` + negative + `) / item, 2) AS "porsi negatif"
FROM (SELECT arrayJoin(regions) AS region, label FROM pantau.mention_facts FINAL
    WHERE $__timeFilter(published_at) AND ` + sourceFilters + store.FinalByPartition + `) AS m
INNER JOIN pantau.regions_ref AS r ON r.name = m.region
GROUP BY r.name ORDER BY item DESC`},
			{Title: "Sentimen per wilayah", Type: "table", Format: 1, W: 24, H: 10,
				Description: "Item per kabupaten/kota menurut kategori sentimen dan jenis sumber",
				Columns:     []string{"wilayah", "item", "media massa", "media sosial", "positif", "netral", "berpotensi negatif", "negatif"},
				SQL: `SELECT arrayJoin(regions) AS wilayah, count() AS item,
    countIf(kind = 'berita') AS "media massa", countIf(kind = 'sosmed') AS "media sosial",
    ` + classes + `
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + sourceFilters + `
GROUP BY wilayah ORDER BY item DESC` + store.FinalByPartition},
		}}
}

func media() Dashboard {
	return Dashboard{UID: "pantau-media", Title: "Media", File: "media.json", Tags: []string{"pantau"},
		Description: "Media massa dan akun media sosial: berapa banyak, dengan nada apa, dan berita yang dimuat ulang",
		Variables:   []Variable{regionVar, kindVar, platformVar},
		Panels: []Panel{
			{Title: "Media massa dan nada pemberitaan", Type: "table", Format: 1, W: 24, H: 10,
				Description: "Media daring/cetak dan kanal siaran pers; nada = (positif − negatif − berpotensi negatif) / jumlah, dari −1 sampai 1",
				Columns:     []string{"media", "jenis", "item", "positif", "netral", "berpotensi negatif", "negatif", "nada"},
				SQL: `SELECT outlet AS media, ` + kindName + ` AS jenis, count() AS item, ` + classes + `,
    round((positif - "berpotensi negatif" - negatif) / item, 2) AS nada
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND kind != 'sosmed' AND ` + filters + `
GROUP BY outlet, kind ORDER BY item DESC` + store.FinalByPartition},
			{Title: "Akun media sosial dan nadanya", Type: "table", Format: 1, W: 24, H: 10,
				Description: "Akun, halaman dan kanal media sosial yang dipantau; keterlibatan = suka + komentar + dibagikan atas item dalam rentang ini",
				Columns:     []string{"akun", "media sosial", "item", "positif", "netral", "berpotensi negatif", "negatif", "nada", "keterlibatan", "ditonton"},
				SQL: `SELECT outlet AS akun, any(` + platformName + `) AS "media sosial", count() AS item, ` + classes + `,
    round((positif - "berpotensi negatif" - negatif) / item, 2) AS nada,
    sum(likes + comments + shares) AS keterlibatan, sum(views) AS ditonton
FROM pantau.mentions FINAL
WHERE ` + factIDs("kind = 'sosmed'") + ` AND $__timeFilter(published_at)
GROUP BY outlet ORDER BY item DESC LIMIT 100`},
			{Title: "Volume sumber teratas", Type: "timeseries", Format: 0, W: 24, H: 9,
				Description: "Item dari waktu ke waktu dari sepuluh media atau akun dengan item terbanyak",
				Columns:     []string{"time", "sumber", "item"},
				SQL: `SELECT $__timeInterval(published_at) AS time, outlet AS sumber, count() AS item
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + filters + ` AND outlet IN (
    SELECT outlet FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND ` + filters + `
    GROUP BY outlet ORDER BY count() DESC LIMIT 10)
GROUP BY time, outlet ORDER BY time` + store.FinalByPartition},
			{Title: "Berita yang sama di banyak sumber", Type: "table", Format: 1, W: 24, H: 8,
				Description: "Satu cerita yang dimuat beberapa media atau akun (salinan dan siaran pers yang dimuat ulang)",
				Columns:     []string{"judul", "sumber", "salinan"},
				SQL: `SELECT any(` + snippet + `) AS judul, arrayStringConcat(groupUniqArray(outlet), ', ') AS sumber, count() AS salinan
FROM pantau.mentions FINAL
WHERE ` + factIDs("1 = 1") + ` AND $__timeFilter(published_at)
GROUP BY story_id HAVING salinan > 1 ORDER BY salinan DESC LIMIT 20`},
		}}
}

func koreksi() Dashboard {
	model := store.ModelLabelExpr
	return Dashboard{UID: "pantau-koreksi", Title: "Koreksi Analis", File: "koreksi-analis.json", Tags: []string{"pantau"},
		Description: "Label yang dikoreksi atau dikonfirmasi analis, dan seberapa yakin model atas labelnya",
		Variables:   []Variable{regionVar, kindVar, platformVar},
		Panels: []Panel{
			{Title: "Label dikoreksi analis", Type: "stat", Format: 1, W: 6, H: 4,
				Description: "Item yang labelnya diubah analis dalam rentang ini (label analis berbeda dari label model)",
				Columns:     []string{"dikoreksi"},
				SQL:         `SELECT countIf(toString(label) != ` + model + `) AS dikoreksi FROM pantau.mentions FINAL WHERE ` + correctedIDs},
			{Title: "Label dikonfirmasi analis", Type: "stat", Format: 1, W: 6, H: 4,
				Description: "Item yang label modelnya dibenarkan analis dalam rentang ini",
				Columns:     []string{"dikonfirmasi"},
				SQL:         `SELECT countIf(toString(label) = ` + model + `) AS dikonfirmasi FROM pantau.mentions FINAL WHERE ` + correctedIDs},
			{Title: "Porsi keyakinan rendah", Type: "stat", Format: 1, W: 6, H: 4, Unit: "percentunit",
				Description: "Bagian item yang labelnya diberi model dengan keyakinan di bawah 0,5 (model lebih mungkin salah daripada benar)",
				Columns:     []string{"porsi keyakinan rendah"},
				SQL: `SELECT round(countIf(` + store.ConfidenceExpr + ` < ` + lowConfidence + `) / greatest(count(), 1), 3) AS "porsi keyakinan rendah"
FROM pantau.mentions FINAL WHERE ` + factIDs("1 = 1") + ` AND $__timeFilter(published_at)`},
			{Title: "Keyakinan rendah belum ditinjau", Type: "stat", Format: 1, W: 6, H: 4,
				Description: "Item berkeyakinan rendah yang belum dikonfirmasi atau dikoreksi analis (antrean Tinjau di aplikasi web)",
				Columns:     []string{"belum ditinjau"},
				SQL: `SELECT countIf(` + store.ConfidenceExpr + ` < ` + lowConfidence + ` AND label_source != 'human') AS "belum ditinjau"
FROM pantau.mentions FINAL WHERE ` + factIDs("1 = 1") + ` AND $__timeFilter(published_at)`},
			{Title: "Koreksi analis per hari", Type: "timeseries", Format: 0, W: 12, H: 9,
				Description: "Item yang dilabel analis, per hari (WITA) koreksi terakhirnya: dikoreksi (label diubah) atau dikonfirmasi",
				Columns:     []string{"time", "dikoreksi", "dikonfirmasi"},
				Field:       map[string]any{"custom": map[string]any{"drawStyle": "bars", "fillOpacity": 80, "stacking": map[string]any{"mode": "normal"}}},
				SQL: `SELECT toStartOfDay(labeled_at, 'Asia/Makassar') AS time,
    countIf(toString(label) != ` + model + `) AS dikoreksi, countIf(toString(label) = ` + model + `) AS dikonfirmasi
FROM pantau.mentions FINAL
WHERE ` + correctedIDs + `
GROUP BY time ORDER BY time`},
			{Title: "Perpindahan kelas: label model menjadi label analis", Type: "table", Format: 1, W: 12, H: 9,
				Description: "Baris: label yang diberikan model; kolom: label yang ditetapkan analis. Diagonal adalah konfirmasi, selebihnya kesalahan model yang diperbaiki",
				Columns:     []string{"label model", "jadi positif", "jadi netral", "jadi berpotensi negatif", "jadi negatif", "dikoreksi"},
				SQL: `SELECT ` + model + ` AS "label model",
    countIf(label = 'positif') AS "jadi positif", countIf(label = 'netral') AS "jadi netral",
    countIf(label = 'berpotensi negatif') AS "jadi berpotensi negatif", countIf(label = 'negatif') AS "jadi negatif",
    countIf(toString(label) != "label model") AS dikoreksi
FROM pantau.mentions FINAL
WHERE ` + correctedIDs + `
GROUP BY "label model" ORDER BY indexOf(['positif', 'netral', 'berpotensi negatif', 'negatif'], "label model")`},
			{Title: "Sebaran keyakinan model per hari", Type: "timeseries", Format: 0, W: 12, H: 9,
				Description: "Item per hari terbit (WITA) menurut keyakinan model atas labelnya",
				Columns:     []string{"time", "di bawah 0,5", "0,5 sampai 0,7", "0,7 sampai 0,9", "0,9 ke atas"},
				Field:       map[string]any{"custom": map[string]any{"drawStyle": "bars", "fillOpacity": 80, "stacking": map[string]any{"mode": "normal"}}},
				SQL: `SELECT toStartOfDay(published_at, 'Asia/Makassar') AS time,
    countIf(c < ` + lowConfidence + `) AS "di bawah 0,5", countIf(c >= 0.5 AND c < 0.7) AS "0,5 sampai 0,7",
    countIf(c >= 0.7 AND c < 0.9) AS "0,7 sampai 0,9", countIf(c >= 0.9) AS "0,9 ke atas"
FROM (SELECT published_at, ` + store.ConfidenceExpr + ` AS c FROM pantau.mentions FINAL
    WHERE ` + factIDs("1 = 1") + ` AND $__timeFilter(published_at))
GROUP BY time ORDER BY time`},
			{Title: "Porsi keyakinan rendah per hari", Type: "timeseries", Format: 0, W: 12, H: 9, Unit: "percentunit",
				Description: "Bagian item per hari terbit (WITA) dengan keyakinan model di bawah 0,5, menurut jenis sumber",
				Columns:     []string{"time", "jenis", "porsi keyakinan rendah"},
				Field:       map[string]any{"min": 0, "max": 1},
				SQL: `SELECT toStartOfDay(published_at, 'Asia/Makassar') AS time, ` + kindName + ` AS jenis,
    round(countIf(` + store.ConfidenceExpr + ` < ` + lowConfidence + `) / count(), 3) AS "porsi keyakinan rendah"
FROM pantau.mentions FINAL
WHERE ` + factIDs("1 = 1") + ` AND $__timeFilter(published_at)
GROUP BY time, kind ORDER BY time, kind`},
			{Title: "Koreksi terbaru", Type: "table", Format: 1, W: 24, H: 10,
				Description: "Item yang terakhir dilabel analis, dengan label model dan label analisnya",
				Columns:     []string{"waktu koreksi", "analis", "label model", "label analis", "jenis", "sumber", "judul"},
				SQL: `SELECT toTimeZone(labeled_at, 'Asia/Makassar') AS "waktu koreksi", labeled_by AS analis,
    ` + model + ` AS "label model", toString(label) AS "label analis", ` + kindName + ` AS jenis, outlet AS sumber, ` + snippet + ` AS judul
FROM pantau.mentions FINAL
WHERE ` + correctedIDs + `
ORDER BY labeled_at DESC LIMIT 50`},
		}}
}

func operasional() Dashboard {
	return Dashboard{UID: "pantau-operasional", Title: "Operasional", File: "operasional.json", Tags: []string{"pantau"},
		Description: "Kesehatan Pantau untuk teknisi: perayap dan sumber, antrean, klasifikasi, penyimpanan, dead letter dan laporan harian; " +
			"pada mode klaster setiap proses melapor, dan panel menjumlahkan atau mengambil nilai terbesar antarproses",
		Panels: []Panel{
			{Title: "Sumber", Type: "row"},
			{Title: "Dokumen diambil per sumber (per menit)", Type: "timeseries", W: 12,
				Description: "Feed dan halaman yang diambil perayap",
				PromQL:      []Target{{`sum by (source) (rate(pantau_crawler_fetched_total[5m])) * 60`, "{{source}}"}}},
			{Title: "Pengambilan gagal per sumber (per jam)", Type: "timeseries", W: 12,
				Description: "Permintaan yang gagal per sumber",
				PromQL:      []Target{{`sum by (source) (increase(pantau_crawler_errors_total[1h]))`, "{{source}}"}}},
			{Title: "Sumber mati: gagal beruntun", Type: "table", W: 8, H: 9,
				Description: "Sumber yang perayapan terakhirnya gagal, dengan jumlah kegagalan berturut-turut (jeda dari platform tidak dihitung)",
				PromQL:      []Target{{`sort_desc(max by (source) (pantau_crawler_consecutive_failures) > 0)`, "{{source}}"}}},
			{Title: "Sumber dijeda platform (batas laju, kuota)", Type: "table", W: 8, H: 9, Unit: "s",
				Description: "Sumber yang diminta berhenti sementara oleh platform, alasannya, dan sisa waktu jeda",
				PromQL:      []Target{{`sort_desc(max by (source, reason) (pantau_crawler_paused_until_timestamp_seconds) - time() > 0)`, "{{source}}: {{reason}}"}}},
			{Title: "Sejak terakhir berhasil", Type: "table", W: 8, H: 9, Unit: "s",
				Description: "Waktu sejak perayapan terakhir yang berhasil per sumber; lebih dari satu jam patut diperiksa",
				PromQL:      []Target{{`sort_desc(time() - max by (source) (pantau_crawler_last_success_timestamp_seconds))`, "{{source}}"}}},
			{Title: "Interval polling (adaptif)", Type: "timeseries", W: 12, Unit: "s",
				Description: "Jeda antara dua perayapan satu sumber: terpendek, median dan terpanjang di antara semua sumber",
				PromQL: []Target{{`min(pantau_crawler_poll_interval_seconds)`, "terpendek"}, {`quantile(0.5, pantau_crawler_poll_interval_seconds)`, "median"},
					{`max(pantau_crawler_poll_interval_seconds)`, "terpanjang"}}},
			{Title: "Sumber dengan interval polling terpendek", Type: "table", W: 12, Unit: "s",
				Description: "Sumber yang paling sering terbit sehingga paling sering dirayapi",
				PromQL:      []Target{{`bottomk(15, max by (source) (pantau_crawler_poll_interval_seconds))`, "{{source}}"}}},

			{Title: "Antrean dan penyimpanan", Type: "row"},
			{Title: "Antrean NATS (lag konsumen)", Type: "timeseries", W: 12,
				Description: "Pesan yang belum selesai diproses per konsumen (tertunda dan belum di-ack)",
				PromQL:      []Target{{`max by (consumer) (pantau_consumer_lag)`, "{{consumer}}"}}},
			{Title: "Klasifikasi dan penyimpanan per menit", Type: "timeseries", W: 12,
				Description: "Item yang diklasifikasi per label, dan baris yang tersimpan di ClickHouse",
				PromQL: []Target{{`sum by (label) (rate(pantau_classified_total[5m])) * 60`, "{{label}}"},
					{`sum(rate(pantau_stored_total[5m])) * 60`, "tersimpan"}}},
			{Title: "Latensi insert ke ClickHouse", Type: "timeseries", W: 12, Unit: "s",
				Description: "Waktu menyimpan satu batch: median dan persentil ke-95",
				PromQL: []Target{{`histogram_quantile(0.5, sum by (le) (rate(pantau_store_insert_seconds_bucket[5m])))`, "median"},
					{`histogram_quantile(0.95, sum by (le) (rate(pantau_store_insert_seconds_bucket[5m])))`, "p95"}}},
			{Title: "Dead letter: pertumbuhan dan antrean", Type: "timeseries", W: 12,
				Description: "Pesan yang dipindah ke dead letter per tahap (per jam), panik yang ditangkap, dan pesan yang menunggu di stream dead letter (pantau dlq list)",
				PromQL: []Target{{`sum by (stage) (increase(pantau_dead_lettered_total[1h]))`, "dead letter {{stage}}"},
					{`sum by (stage) (increase(pantau_stage_panics_total[1h]))`, "panik {{stage}}"},
					{`max(pantau_dead_letters)`, "menunggu"}}},
			{Title: "Kegagalan pemrosesan (per jam)", Type: "timeseries", W: 24, H: 7,
				Description: "Kegagalan per tahap, termasuk pengiriman laporan (tahap report)",
				PromQL:      []Target{{`sum by (stage) (increase(pantau_failed_total[1h]))`, "{{stage}}"}}},

			{Title: "Laporan harian dan disk", Type: "row"},
			{Title: "Laporan harian terakhir terkirim", Type: "stat", W: 6, Unit: "dateTimeFromNow",
				Description: "Kapan laporan harian untuk Kadis terakhir terkirim (dibaca dari penyimpanan, sama untuk semua instans); seharusnya tiap pagi sebelum 07.30 WITA",
				PromQL:      []Target{{`max(pantau_report_last_sent_timestamp_seconds) * 1000`, "terakhir terkirim"}}},
			{Title: "Ruang disk data tersisa", Type: "stat", W: 6, Unit: "percentunit",
				Description: "Bagian ruang kosong pada disk direktori data (NATS dan ClickHouse bawaan), per instans",
				PromQL:      []Target{{`min by (instance) (pantau_data_filesystem_avail_bytes / pantau_data_filesystem_size_bytes)`, "{{instance}}"}}},
			{Title: "Laporan harian", Type: "table", Format: 1, W: 12,
				Description: "Pengiriman laporan harian untuk Kadis: tanggal, status, penerima dan galat bila gagal",
				Columns:     []string{"tanggal laporan", "status", "waktu kirim", "penerima", "instans", "galat"},
				SQL: `SELECT report_date AS "tanggal laporan", toString(status) AS status, toTimeZone(sent_at, 'Asia/Makassar') AS "waktu kirim",
    if(recipients = '', 0, length(splitByChar(',', recipients))) AS penerima, instance AS instans, error AS galat
FROM pantau.reports_sent
WHERE $__timeFilter(sent_at)
ORDER BY sent_at DESC LIMIT 50`},
		}}
}
