package routing

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// Why a member cannot take a conversation, in the order the summary of a
// failed pick lists them.
const (
	notMember  = "not a member"
	passedOver = "passed over"
	isAway     = "away"
	offHours   = "off hours"
	atCapacity = "at capacity"
)

var excuseOrder = []string{notMember, passedOver, isAway, offHours, atCapacity}

// eligibility applies a rule's switches to the members it names.
type eligibility struct {
	a      inboxbot.Assignment
	now    time.Time
	byName map[string]inboxbot.Member
	// passed are members the conversation is moving on from.
	passed []int64
	// skipped counts the excuses of members passed over, and names them.
	skipped map[string][]string
}

// excuse says why m cannot take a conversation now, or "" when they can.
func (e *eligibility) excuse(m inboxbot.Member) string {
	switch {
	case slices.Contains(e.passed, m.ID):
		return passedOver
	case e.a.SkipAway && m.Away:
		return isAway
	case e.a.WorkingHours && !onShift(m.Hours, m.Timezone, e.now):
		return offHours
	case e.a.RespectCapacity && m.Capacity > 0 && m.OpenCount >= m.Capacity:
		return atCapacity
	}
	return ""
}

// lookup finds the member named name and checks them; ok is false (and
// the excuse recorded) when they cannot take the conversation.
func (e *eligibility) lookup(name string) (inboxbot.Member, bool) {
	m, found := e.byName[strings.ToLower(strings.TrimSpace(name))]
	why := notMember
	if found {
		why = e.excuse(m)
	}
	if why == "" {
		return m, true
	}
	if e.skipped == nil {
		e.skipped = map[string][]string{}
	}
	e.skipped[why] = append(e.skipped[why], name)
	return inboxbot.Member{}, false
}

// nobody is the reason of a failed pick: "no eligible member: 2 away, 1 at capacity".
func (e *eligibility) nobody() picked {
	var parts []string
	for _, why := range excuseOrder {
		if n := len(e.skipped[why]); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, why))
		}
	}
	if len(parts) == 0 {
		return picked{reason: "no eligible member: the rule names nobody"}
	}
	return picked{reason: "no eligible member: " + strings.Join(parts, ", ")}
}

// passedOver names the members a pick could not consider:
// "skipped lee (away), sam (at capacity)"; "" when nobody was.
func (e *eligibility) passedOver() string {
	var parts []string
	for _, why := range excuseOrder {
		for _, name := range e.skipped[why] {
			parts = append(parts, fmt.Sprintf("%s (%s)", name, why))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "skipped " + strings.Join(parts, ", ")
}

// withSkips appends who was passed over to a reason.
func (e *eligibility) withSkips(reason string) string {
	if s := e.passedOver(); s != "" {
		return reason + ", " + s
	}
	return reason
}

// user assigns the one member the rule names.
func (e *eligibility) user() picked {
	if len(e.a.Members) == 0 {
		return e.nobody()
	}
	m, ok := e.lookup(e.a.Members[0])
	if !ok {
		return e.nobody()
	}
	return picked{member: m}
}

// roundRobin gives turn n of the rule (1, 2, ...; 0 counts as 1) to
// the ((n-1) mod k)-th of the k members eligible now, in the rule's
// order. The store numbers a rule's turns one after another without
// holding a lock to commit, so over a run in which the same members stay
// eligible their counts differ by at most one; members who cannot take
// the conversation (away, off hours, at capacity, passed over) are not
// counted among the k, and the reason names them.
func (e *eligibility) roundRobin(turn int64) picked {
	names := e.a.Members
	var eligible []int
	for i, n := range names {
		if _, ok := e.lookup(n); ok {
			eligible = append(eligible, i)
		}
	}
	if len(eligible) == 0 {
		return e.nobody()
	}
	i := eligible[(max(turn, 1)-1)%int64(len(eligible))]
	m := e.byName[strings.ToLower(strings.TrimSpace(names[i]))]
	return picked{member: m, reason: e.withSkips(fmt.Sprintf("round-robin among %s: %d of %d",
		strings.Join(names, ", "), i+1, len(names)))}
}

// leastLoaded takes the eligible member with the fewest open conversations;
// a tie goes to the one listed first.
func (e *eligibility) leastLoaded() picked {
	var best inboxbot.Member
	found := false
	for _, n := range e.a.Members {
		m, ok := e.lookup(n)
		if ok && (!found || m.OpenCount < best.OpenCount) {
			best, found = m, true
		}
	}
	if !found {
		return e.nobody()
	}
	return picked{member: best, reason: e.withSkips(fmt.Sprintf("least loaded: %s has %d open", best.Name, best.OpenCount))}
}

// customField assigns the member named in a contact custom field, such as
// the sales rep a CRM wrote into the lead.
func (e *eligibility) customField(c inboxbot.Contact) picked {
	field := e.a.Field
	name := strings.TrimPrefix(strings.TrimSpace(customField(c.Custom, field)), "@")
	if name == "" {
		return picked{reason: fmt.Sprintf("no eligible member: custom field %s is empty", field)}
	}
	if _, ok := e.byName[strings.ToLower(name)]; !ok {
		return picked{reason: fmt.Sprintf("no eligible member: custom field %s names %s, who is not a member", field, name)}
	}
	m, ok := e.lookup(name)
	if !ok {
		return e.nobody()
	}
	return picked{member: m, reason: fmt.Sprintf("custom field %s names %s", field, m.Name)}
}
