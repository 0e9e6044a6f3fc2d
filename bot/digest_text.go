package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// DigestText words a managers' alert digest in one line, the same on every
// surface (it holds only numbers and ids, nothing people wrote):
// "12 conversations need someone: 9 unassigned over 15 minutes (oldest #1042
// for 2 hours, #1043 for 40 minutes, #1050 for 16 minutes); 3 past their SLA."
// Ages are counted in whole units, so the text (and the message) changes at
// most once a minute while nothing else does.
func DigestText(d inboxbot.Digest, now time.Time) string {
	over := Waited(d.After)
	if d.Empty() {
		return fmt.Sprintf("Nothing needs someone now: no conversation waits unassigned over %s.", over)
	}
	var parts []string
	if d.Unassigned > 0 {
		s := count(d.Unassigned, d.More) + " unassigned over " + over
		if len(d.Oldest) > 0 {
			ages := make([]string, len(d.Oldest))
			for i, w := range d.Oldest {
				ages[i] = fmt.Sprintf("%s for %s", inboxbot.Ref(w.ID), Waited(now.Sub(w.Since)))
			}
			s += " (oldest " + strings.Join(ages, ", ") + ")"
		}
		parts = append(parts, s)
	}
	if d.Breached > 0 {
		parts = append(parts, count(d.Breached, false)+" past their SLA")
	}
	noun := "conversations need"
	if d.Total() == 1 && !d.More {
		noun = "conversation needs"
	}
	total := count(d.Total(), d.More)
	if d.More {
		total = "M" + total[1:] // the start of the sentence
	}
	return fmt.Sprintf("%s %s someone: %s.", total, noun, strings.Join(parts, "; "))
}

// count writes n with thousands separators, "more than n" when counting
// stopped at n.
func count(n int, more bool) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if more {
		return "more than " + s
	}
	return s
}
