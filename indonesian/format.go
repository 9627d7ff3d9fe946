package indonesian

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Numbers and dates as an Indonesian reader writes them: a point groups
// thousands (1.234), a comma marks decimals (0,4), dates read "Senin,
// 30 November 2026" and times "14.05". This is the one place where Pantau
// formats them: the report, the CLI and the web app call these.

// Months are the month names, January first.
var Months = [12]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
	"September", "Oktober", "November", "Desember"}

// Weekdays are the day names, Sunday (Minggu) first as in time.Weekday.
var Weekdays = [7]string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}

// Int writes n with a point between groups of three digits: 1.234.567.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Decimal writes f rounded to prec decimals, with a decimal comma and
// grouped thousands: Decimal(1234.56, 1) is "1.234,6", Decimal(0.4, 1)
// "0,4". Trailing zeros are kept so that a column of figures lines up.
func Decimal(f float64, prec int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	// Halves round away from zero, as a reader rounds (12,5 → 13).
	pow := math.Pow10(prec)
	s := strconv.FormatFloat(math.Round(f*pow)/pow, 'f', prec, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := Int(n)
	if frac != "" {
		out += "," + frac
	}
	if neg && strings.Trim(s, "0.") != "" {
		out = "-" + out
	}
	return out
}

// Percent writes part of whole as a whole-number percentage: "36%". A
// whole of zero gives "0%".
func Percent(part, whole int) string {
	if whole == 0 {
		return "0%"
	}
	return Decimal(100*float64(part)/float64(whole), 0) + "%"
}

// Signed writes a change with its sign: "+3", "-2", "0".
func Signed(n int64) string {
	if n > 0 {
		return "+" + Int(n)
	}
	return Int(n)
}

// Date writes t's day in its own location: "Senin, 30 November 2026".
func Date(t time.Time) string {
	return Weekdays[t.Weekday()] + ", " + DateNoDay(t)
}

// DateNoDay writes t's day without the weekday: "30 November 2026".
func DateNoDay(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + Months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DayMonth writes a short day for chart ticks and tables: "30 Nov".
func DayMonth(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + Months[t.Month()-1][:3]
}

// Clock writes t's time of day in its own location: "14.05".
func Clock(t time.Time) string {
	return t.Format("15.04")
}

// Stamp writes t for lists, with its zone abbreviation:
// "30 Nov 2026 14.05 WITA".
func Stamp(t time.Time) string {
	zone, _ := t.Zone()
	return DayMonth(t) + " " + strconv.Itoa(t.Year()) + " " + Clock(t) + " " + zone
}

// DateTime writes t with its time and zone abbreviation:
// "Senin, 30 November 2026 pukul 14.05 WITA".
func DateTime(t time.Time) string {
	zone, _ := t.Zone()
	return Date(t) + " pukul " + Clock(t) + " " + zone
}
