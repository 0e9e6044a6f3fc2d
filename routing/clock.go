package routing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	// The rules name IANA zones; embedding the database makes a container
	// without /usr/share/zoneinfo evaluate them the same way as a laptop.
	_ "time/tzdata"
)

// dayNames are the day names the rules file uses, indexed by time.Weekday.
var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// days is a set of weekdays, indexed by time.Weekday.
type days [7]bool

// parseDays reads a day set as the rules file writes it: "mon", a range
// "mon-fri" (which may wrap: "fri-mon"), or a comma list of those.
func parseDays(spec string) (days, error) {
	var set days
	for _, part := range strings.Split(spec, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		first, last, isRange := strings.Cut(part, "-")
		a, ok := weekday(first)
		if !ok {
			return set, fmt.Errorf("unknown day %q (want mon, tue, wed, thu, fri, sat, sun or a range like mon-fri)", first)
		}
		b := a
		if isRange {
			if b, ok = weekday(last); !ok {
				return set, fmt.Errorf("unknown day %q (want mon, tue, wed, thu, fri, sat, sun or a range like mon-fri)", last)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			set[d] = true
			if d == b {
				break
			}
		}
	}
	return set, nil
}

func weekday(name string) (time.Weekday, bool) {
	for i, n := range dayNames {
		if n == name {
			return time.Weekday(i), true
		}
	}
	return 0, false
}

// span is a stretch of a day in minutes after midnight. A span whose end
// is not after its start crosses midnight: "22:00-06:00" runs from 22:00
// on its day to 06:00 on the next.
type span struct{ from, to int }

// allDay is the span of a whole day.
var allDay = span{0, 24 * 60}

func (s span) String() string {
	if s == allDay {
		return "all day"
	}
	return clockText(s.from) + "-" + clockText(s.to)
}

// parseSpans reads working hours such as "09:00-17:00" or
// "09:00-12:00,13:00-17:00".
func parseSpans(spec string) ([]span, error) {
	var out []span
	for _, part := range strings.Split(spec, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return nil, fmt.Errorf("%q is not a time range like 09:00-17:00", strings.TrimSpace(part))
		}
		s, err := makeSpan(from, to)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// makeSpan reads a from/to pair of "HH:MM" times.
func makeSpan(from, to string) (span, error) {
	f, err := parseClock(strings.TrimSpace(from), false)
	if err != nil {
		return span{}, err
	}
	t, err := parseClock(strings.TrimSpace(to), true)
	if err != nil {
		return span{}, err
	}
	if f == t {
		return span{}, fmt.Errorf("%s-%s is empty: use 00:00-24:00 for a whole day", from, to)
	}
	return span{f, t}, nil
}

// parseClock reads "HH:MM" (24-hour; "24:00" only as an end time).
func parseClock(s string, end bool) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("time %q is not HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && (mm != 0 || !end)) {
		return 0, fmt.Errorf("time %q is not HH:MM between 00:00 and 23:59 (24:00 may end a range)", s)
	}
	return hh*60 + mm, nil
}

func clockText(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// contains reports whether the local wall-clock time t falls in span s
// starting on one of the days. Working in wall-clock time is what keeps
// "09:00" meaning nine in the morning on both sides of a DST change.
func (d days) contains(s span, t time.Time) bool {
	wd := t.Weekday()
	min := t.Hour()*60 + t.Minute()
	if s.from < s.to {
		return d[wd] && min >= s.from && min < s.to
	}
	// Crossing midnight: the evening part belongs to today, the morning
	// part to a shift that started yesterday.
	return (d[wd] && min >= s.from) || (d[(wd+6)%7] && min < s.to)
}

// location loads an IANA zone; "" is UTC.
func location(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	// "Local" would mean whatever zone the server runs in.
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q (want an IANA name like Europe/Berlin)", name)
	}
	return loc, nil
}

// onShift reports whether a member works at now by their own hours and
// time zone. No hours means always on; an unreadable entry (which the
// rules file would have refused) counts as off, so that a broken entry
// never assigns work at the wrong time.
func onShift(hours map[string]string, tz string, now time.Time) bool {
	if len(hours) == 0 {
		return true
	}
	loc, err := location(tz)
	if err != nil {
		loc = time.UTC
	}
	local := now.In(loc)
	for dayspec, hourspec := range hours {
		d, err := parseDays(dayspec)
		if err != nil {
			continue
		}
		spans, err := parseSpans(hourspec)
		if err != nil {
			continue
		}
		for _, s := range spans {
			if d.contains(s, local) {
				return true
			}
		}
	}
	return false
}
