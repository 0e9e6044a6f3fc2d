package routing

import (
	"time"

	"github.com/inboxbot/inboxbot"
)

// PolicyFor returns the index of the first policy whose conditions hold
// for conv at now, or -1 when none does.
func PolicyFor(policies []inboxbot.Policy, conv inboxbot.Conversation, now time.Time) int {
	for i, p := range policies {
		if ok, _ := conditions(p.When, conv, now); ok {
			return i
		}
	}
	return -1
}

// maxBusinessScan bounds how far ahead Due looks for working time: a
// member whose hours add up to less than the target within it is treated
// as always on, so that a due time always exists.
const maxBusinessScan = 90 * 24 * time.Hour

// Due is when a target of d started at start falls due. With business
// hours and an assignee who has working hours, only their working time
// counts (minute by minute, in their zone); otherwise the clock does.
func Due(hours string, assignee *inboxbot.Member, start time.Time, d time.Duration) time.Time {
	if hours != inboxbot.HoursBusiness || assignee == nil || len(assignee.Hours) == 0 {
		return start.Add(d)
	}
	shift := parseShift(assignee.Hours, assignee.Timezone)
	left := d
	t := start
	for end := start.Add(maxBusinessScan); t.Before(end); {
		next := t.Truncate(time.Minute).Add(time.Minute)
		step := next.Sub(t)
		if shift.on(t) {
			if left <= step {
				return t.Add(left)
			}
			left -= step
		}
		t = next
	}
	return start.Add(d)
}

// shift is a member's working hours, parsed once.
type shift struct {
	loc   *time.Location
	parts []struct {
		d     days
		spans []span
	}
}

func parseShift(hours map[string]string, tz string) shift {
	loc, err := location(tz)
	if err != nil {
		loc = time.UTC
	}
	sh := shift{loc: loc}
	for dayspec, hourspec := range hours {
		d, err := parseDays(dayspec)
		if err != nil {
			continue
		}
		spans, err := parseSpans(hourspec)
		if err != nil {
			continue
		}
		sh.parts = append(sh.parts, struct {
			d     days
			spans []span
		}{d, spans})
	}
	return sh
}

func (sh shift) on(t time.Time) bool {
	local := t.In(sh.loc)
	for _, p := range sh.parts {
		for _, s := range p.spans {
			if p.d.contains(s, local) {
				return true
			}
		}
	}
	return false
}
