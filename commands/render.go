package commands

import (
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// names lists member names, or "nobody".
func names(ms []inboxbot.Member) string {
	if len(ms) == 0 {
		return "nobody"
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return strings.Join(out, ", ")
}

// when formats a time for people, in UTC: the time of day for today, with
// the date otherwise, and with the year when it is not this year (message
// times come from the sender and can be years off).
func (s *Service) when(t time.Time) string {
	t, now := t.UTC(), s.now().UTC()
	switch {
	case t.Year() != now.Year():
		return t.Format("Jan 2 2006 15:04") + " UTC"
	case t.YearDay() != now.YearDay():
		return t.Format("Jan 2 15:04") + " UTC"
	}
	return t.Format("15:04") + " UTC"
}

// excerpt is body on one line, whitespace collapsed as in the list
// preview, cut to at most n characters.
func excerpt(body string, n int) string {
	return inboxbot.Cut(strings.Join(strings.Fields(body), " "), n)
}

// orNone shows an empty value as "none".
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
