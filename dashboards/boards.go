package dashboards

import "github.com/diskominfo-kaltim/pantau/store"

// Queries read FINAL (a re-inserted article counts once), show times in
// WITA and filter by the dashboard's time range. Those that need only the
// analytic columns read pantau.mention_facts (partitioned by month: a
// range reads its months only) and end with store.FinalByPartition; the
// others read pantau.mentions.

const regionVar = `SELECT DISTINCT arrayJoin(regions) FROM pantau.mention_facts WHERE $__timeFilter(published_at) ORDER BY 1`

const regionCond = `$__conditionalAll(hasAny(regions, [${region:singlequote}]), $region)`

// All returns the office's dashboards.
func All() []Dashboard {
	return []Dashboard{ringkasan(), petaIsu(), wilayah(), media(), operasional()}
}

func ringkasan() Dashboard {
	return Dashboard{UID: "pantau-ringkasan", Title: "Ringkasan Sentimen", File: "ringkasan-sentimen.json", Tags: []string{"pantau"},
		Variables: []Variable{{Name: "region", Label: "Wilayah", SQL: regionVar}},
		Panels: []Panel{
			{Title: "Pemberitaan per kategori", Type: "timeseries", Format: 0, W: 24, H: 9,
				Columns: []string{"time", "positif", "netral", "berpotensi negatif", "negatif"},
				SQL: `SELECT $__timeInterval(published_at) AS time,
    countIf(label = 'positif') AS positif, countIf(label = 'netral') AS netral,
    countIf(label = 'berpotensi negatif') AS "berpotensi negatif", countIf(label = 'negatif') AS negatif
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + regionCond + `
GROUP BY time ORDER BY time` + store.FinalByPartition},
			{Title: "Porsi kategori", Type: "piechart", Format: 1, W: 8,
				Columns: []string{"label", "jumlah"},
				SQL: `SELECT toString(label) AS label, count() AS jumlah
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + regionCond + `
GROUP BY label ORDER BY label` + store.FinalByPartition},
			{Title: "Total pemberitaan", Type: "stat", Format: 1, W: 8,
				Columns: []string{"jumlah"},
				SQL:     `SELECT count() AS jumlah FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND ` + regionCond + store.FinalByPartition},
			{Title: "Perubahan dibanding periode sebelumnya", Type: "table", Format: 1, W: 8,
				Columns: []string{"label", "periode ini", "periode sebelumnya", "perubahan"},
				SQL: `SELECT toString(label) AS label,
    countIf(published_at >= $__fromTime) AS "periode ini",
    countIf(published_at < $__fromTime) AS "periode sebelumnya",
    "periode ini" - "periode sebelumnya" AS perubahan
FROM pantau.mention_facts FINAL
WHERE published_at >= $__fromTime - ($__toTime - $__fromTime) AND published_at <= $__toTime AND ` + regionCond + `
GROUP BY label ORDER BY label` + store.FinalByPartition},
		}}
}

func petaIsu() Dashboard {
	return Dashboard{UID: "pantau-peta-isu", Title: "Peta Isu", File: "peta-isu.json", Tags: []string{"pantau"},
		Variables: []Variable{{Name: "region", Label: "Wilayah", SQL: regionVar}},
		Panels: []Panel{
			{Title: "Isu teratas", Type: "table", Format: 1, W: 24, H: 10,
				Columns: []string{"isu", "berita", "positif", "netral", "berpotensi negatif", "negatif", "porsi negatif", "media", "opd", "terakhir"},
				SQL: `SELECT any(i.name) AS isu, count() AS berita,
    countIf(label = 'positif') AS positif, countIf(label = 'netral') AS netral,
    countIf(label = 'berpotensi negatif') AS "berpotensi negatif", countIf(label = 'negatif') AS negatif,
    round(("berpotensi negatif" + negatif) / berita, 2) AS "porsi negatif",
    uniqExact(outlet) AS media, arrayStringConcat(groupUniqArrayArray(3)(opds), ', ') AS opd,
    toTimeZone(max(published_at), 'Asia/Makassar') AS terakhir
FROM pantau.mention_facts AS m FINAL
LEFT JOIN (SELECT id, argMax(name, updated_at) AS name FROM pantau.issues GROUP BY id) AS i ON i.id = m.issue_id
WHERE $__timeFilter(published_at) AND issue_id != '' AND ` + regionCond + `
GROUP BY issue_id ORDER BY berita DESC LIMIT 50` + store.FinalByPartition},
			{Title: "Isu melonjak (24 jam terakhir dibanding 14 hari sebelumnya)", Type: "table", Format: 1, W: 24, H: 8,
				Columns: []string{"isu", "24 jam", "rata-rata harian", "porsi negatif 24 jam"},
				SQL: `SELECT any(i.name) AS isu,
    countIf(published_at >= $__toTime - INTERVAL 1 DAY) AS "24 jam",
    round(countIf(published_at < $__toTime - INTERVAL 1 DAY) / 14, 1) AS "rata-rata harian",
    round(countIf(published_at >= $__toTime - INTERVAL 1 DAY AND label IN ('negatif', 'berpotensi negatif')) / greatest("24 jam", 1), 2) AS "porsi negatif 24 jam"
FROM pantau.mention_facts AS m FINAL
LEFT JOIN (SELECT id, argMax(name, updated_at) AS name FROM pantau.issues GROUP BY id) AS i ON i.id = m.issue_id
WHERE published_at >= $__toTime - INTERVAL 15 DAY AND published_at <= $__toTime AND issue_id != '' AND ` + regionCond + `
GROUP BY issue_id
HAVING "24 jam" >= 3 AND "24 jam" >= 3 * greatest("rata-rata harian", 0.5)
ORDER BY "24 jam" DESC LIMIT 20` + store.FinalByPartition},
			{Title: "Sentimen isu utama dari waktu ke waktu", Type: "timeseries", Format: 0, W: 24, H: 9,
				Columns: []string{"time", "isu", "negatif atau berpotensi"},
				SQL: `SELECT $__timeInterval(published_at) AS time, any(i.name) AS isu,
    countIf(label IN ('negatif', 'berpotensi negatif')) AS "negatif atau berpotensi"
FROM pantau.mention_facts AS m FINAL
LEFT JOIN (SELECT id, argMax(name, updated_at) AS name FROM pantau.issues GROUP BY id) AS i ON i.id = m.issue_id
WHERE $__timeFilter(published_at) AND issue_id IN (
    SELECT issue_id FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at) AND issue_id != '' GROUP BY issue_id ORDER BY count() DESC LIMIT 5)
GROUP BY time, issue_id ORDER BY time` + store.FinalByPartition},
			{Title: "Beban per OPD", Type: "barchart", Format: 1, W: 24,
				Columns: []string{"opd", "berita", "negatif atau berpotensi"},
				SQL: `SELECT arrayJoin(opds) AS opd, count() AS berita, countIf(label IN ('negatif', 'berpotensi negatif')) AS "negatif atau berpotensi"
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + regionCond + `
GROUP BY opd ORDER BY berita DESC LIMIT 15` + store.FinalByPartition},
		}}
}

func wilayah() Dashboard {
	return Dashboard{UID: "pantau-wilayah", Title: "Wilayah", File: "wilayah.json", Tags: []string{"pantau"},
		Panels: []Panel{
			{Title: "Peta sentimen kabupaten/kota", Type: "geomap", Format: 1, W: 24, H: 12,
				Columns: []string{"wilayah", "latitude", "longitude", "berita", "porsi negatif"},
				Options: map[string]any{"view": map[string]any{"id": "coords", "lat": 0.5, "lon": 116.4, "zoom": 6},
					"layers": []any{map[string]any{"type": "markers", "name": "Wilayah", "location": map[string]any{"mode": "coords", "latitude": "latitude", "longitude": "longitude"},
						"config": map[string]any{"size": map[string]any{"field": "berita", "min": 4, "max": 30}, "color": map[string]any{"field": "porsi negatif"}}}}},
				SQL: `SELECT r.name AS wilayah, any(r.lat) AS latitude, any(r.lng) AS longitude, count() AS berita,
    round(countIf(label IN ('negatif', 'berpotensi negatif')) / berita, 2) AS "porsi negatif"
FROM (SELECT arrayJoin(regions) AS region, label FROM pantau.mention_facts FINAL WHERE $__timeFilter(published_at)) AS m
INNER JOIN pantau.regions_ref AS r ON r.name = m.region
GROUP BY r.name ORDER BY berita DESC` + store.FinalByPartition},
			{Title: "Sentimen per wilayah", Type: "table", Format: 1, W: 24, H: 10,
				Columns: []string{"wilayah", "berita", "positif", "netral", "berpotensi negatif", "negatif"},
				SQL: `SELECT arrayJoin(regions) AS wilayah, count() AS berita,
    countIf(label = 'positif') AS positif, countIf(label = 'netral') AS netral,
    countIf(label = 'berpotensi negatif') AS "berpotensi negatif", countIf(label = 'negatif') AS negatif
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at)
GROUP BY wilayah ORDER BY berita DESC` + store.FinalByPartition},
		}}
}

func media() Dashboard {
	return Dashboard{UID: "pantau-media", Title: "Media", File: "media.json", Tags: []string{"pantau"},
		Variables: []Variable{{Name: "region", Label: "Wilayah", SQL: regionVar}},
		Panels: []Panel{
			{Title: "Media dan nada pemberitaan", Type: "table", Format: 1, W: 24, H: 10,
				Columns: []string{"media", "berita", "positif", "netral", "berpotensi negatif", "negatif", "nada"},
				SQL: `SELECT outlet AS media, count() AS berita,
    countIf(label = 'positif') AS positif, countIf(label = 'netral') AS netral,
    countIf(label = 'berpotensi negatif') AS "berpotensi negatif", countIf(label = 'negatif') AS negatif,
    round((positif - "berpotensi negatif" - negatif) / berita, 2) AS nada
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + regionCond + `
GROUP BY outlet ORDER BY berita DESC` + store.FinalByPartition},
			{Title: "Volume per media", Type: "timeseries", Format: 0, W: 24, H: 9,
				Columns: []string{"time", "media", "berita"},
				SQL: `SELECT $__timeInterval(published_at) AS time, outlet AS media, count() AS berita
FROM pantau.mention_facts FINAL
WHERE $__timeFilter(published_at) AND ` + regionCond + `
GROUP BY time, outlet ORDER BY time` + store.FinalByPartition},
			{Title: "Berita yang sama di banyak media", Type: "table", Format: 1, W: 24, H: 8,
				Columns: []string{"judul", "media", "salinan"},
				SQL: `SELECT any(title) AS judul, arrayStringConcat(groupUniqArray(outlet), ', ') AS media, count() AS salinan
FROM pantau.mentions FINAL
WHERE $__timeFilter(published_at)
GROUP BY story_id HAVING salinan > 1 ORDER BY salinan DESC LIMIT 20`},
		}}
}

func operasional() Dashboard {
	return Dashboard{UID: "pantau-operasional", Title: "Operasional", File: "operasional.json", Tags: []string{"pantau"},
		Panels: []Panel{
			{Title: "Dokumen diambil per sumber (per menit)", Type: "timeseries", W: 12,
				PromQL: []string{`sum by (source) (rate(pantau_crawler_fetched_total[5m])) * 60`}},
			{Title: "Sumber gagal (per jam)", Type: "timeseries", W: 12,
				PromQL: []string{`sum by (source) (increase(pantau_crawler_errors_total[1h]))`}},
			{Title: "Sejak terakhir berhasil (detik)", Type: "table", W: 12, Unit: "s",
				PromQL: []string{`time() - pantau_crawler_last_success_timestamp_seconds`}},
			{Title: "Antrean NATS (lag konsumen)", Type: "timeseries", W: 12,
				PromQL: []string{`pantau_consumer_lag`}},
			{Title: "Klasifikasi per menit", Type: "timeseries", W: 12,
				PromQL: []string{`sum by (label) (rate(pantau_classified_total[5m])) * 60`, `rate(pantau_stored_total[5m]) * 60`}},
			{Title: "Dead letter dan kegagalan (per jam)", Type: "timeseries", W: 12,
				PromQL: []string{`sum by (stage) (increase(pantau_dead_lettered_total[1h]))`, `sum by (stage) (increase(pantau_failed_total[1h]))`}},
		}}
}
