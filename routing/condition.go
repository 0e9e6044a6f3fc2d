package routing

import (
	"fmt"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
)

// check evaluates one condition and says, in words, what it saw:
// "lead_source is facebook-ad" or "lead_source is google, not facebook-ad".
func check(c inboxbot.Condition, conv inboxbot.Conversation, now time.Time) (bool, string) {
	if c.Field == inboxbot.FieldTime {
		return checkTime(c, now)
	}
	op := c.Op
	if op == "" {
		op = inboxbot.OpEq
	}
	region := c.Field == inboxbot.FieldRegion
	if c.Field == inboxbot.FieldTag {
		return checkTags(c, op, conv.Contact.Tags)
	}
	actual, ok := fieldValue(c.Field, conv)
	if !ok {
		return false, fmt.Sprintf("unknown field %q", c.Field)
	}
	shown := actual
	if shown == "" {
		shown = "empty"
	}
	if matches(op, actual, c, region) {
		return true, fmt.Sprintf("%s is %s%s", c.Field, shown, okSuffix(op, actual, c, region))
	}
	return false, fmt.Sprintf("%s is %s, %s", c.Field, shown, missText(op, c))
}

// fieldValue reads a single-valued field of the conversation or its contact.
func fieldValue(field string, conv inboxbot.Conversation) (string, bool) {
	switch field {
	case inboxbot.FieldLeadSource:
		return conv.Contact.LeadSource, true
	case inboxbot.FieldChannel:
		return conv.Channel, true
	case inboxbot.FieldRegion:
		return conv.Contact.Region, true
	}
	if key, ok := strings.CutPrefix(field, inboxbot.FieldCustomPrefix); ok && key != "" {
		return customField(conv.Contact.Custom, key), true
	}
	return "", false
}

// customField looks a key up exactly and then ignoring case, because
// sources spell their form fields as they please ("Plan", "plan").
func customField(custom map[string]string, key string) string {
	if v, ok := custom[key]; ok {
		return v
	}
	for k, v := range custom {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// matches applies op to one actual value, ignoring case. On region, eq and
// in match whole code prefixes: "US" matches "US" and "US-CA", not "USA".
func matches(op, actual string, c inboxbot.Condition, region bool) bool {
	a := strings.ToLower(strings.TrimSpace(actual))
	if a == "" {
		return false
	}
	eq := func(want string) bool {
		w := strings.ToLower(strings.TrimSpace(want))
		return a == w || (region && w != "" && strings.HasPrefix(a, w+"-"))
	}
	switch op {
	case inboxbot.OpEq:
		return eq(c.Value)
	case inboxbot.OpIn:
		for _, v := range c.Values {
			if eq(v) {
				return true
			}
		}
	case inboxbot.OpContains:
		return strings.Contains(a, strings.ToLower(c.Value))
	case inboxbot.OpPrefix:
		return strings.HasPrefix(a, strings.ToLower(c.Value))
	}
	return false
}

// okSuffix adds what a match matched when "field is value" alone does not
// say it: "region is US-CA, within US".
func okSuffix(op, actual string, c inboxbot.Condition, region bool) string {
	switch op {
	case inboxbot.OpEq:
		if region && !strings.EqualFold(strings.TrimSpace(actual), strings.TrimSpace(c.Value)) {
			return ", within " + c.Value
		}
		return ""
	case inboxbot.OpIn:
		return ", one of " + strings.Join(c.Values, ", ")
	case inboxbot.OpContains:
		return ", contains " + c.Value
	case inboxbot.OpPrefix:
		return ", starts with " + c.Value
	}
	return ""
}

// missText says what the condition wanted: "not facebook-ad".
func missText(op string, c inboxbot.Condition) string {
	switch op {
	case inboxbot.OpEq:
		return "not " + c.Value
	case inboxbot.OpIn:
		return "not one of " + strings.Join(c.Values, ", ")
	case inboxbot.OpContains:
		return "does not contain " + c.Value
	case inboxbot.OpPrefix:
		return "does not start with " + c.Value
	}
	return fmt.Sprintf("unknown operator %q", op)
}

// checkTags holds when any of the contact's tags matches.
func checkTags(c inboxbot.Condition, op string, tags []string) (bool, string) {
	for _, t := range tags {
		if matches(op, t, c, false) {
			return true, "has tag " + t + okSuffix(op, t, c, false)
		}
	}
	if len(tags) == 0 {
		return false, "has no tags, " + wantText(op, c)
	}
	return false, "tags are " + strings.Join(tags, ", ") + ", " + wantText(op, c)
}

// wantText says what a tag condition wanted: "wanted vip".
func wantText(op string, c inboxbot.Condition) string {
	switch op {
	case inboxbot.OpEq:
		return "wanted " + c.Value
	case inboxbot.OpIn:
		return "wanted one of " + strings.Join(c.Values, ", ")
	case inboxbot.OpContains:
		return "wanted one containing " + c.Value
	case inboxbot.OpPrefix:
		return "wanted one starting with " + c.Value
	}
	return fmt.Sprintf("unknown operator %q", op)
}

// checkTime holds when now, read on the wall clock of the condition's
// time zone, falls in the window.
func checkTime(c inboxbot.Condition, now time.Time) (bool, string) {
	w, err := windowOf(c)
	if err != nil {
		return false, "time window " + err.Error()
	}
	local := now.In(w.loc)
	seen := fmt.Sprintf("time is %s %s %s", dayNames[local.Weekday()], local.Format("15:04"), w.loc)
	if w.days.contains(w.span, local) {
		return true, seen + ", within " + w.String()
	}
	return false, seen + ", outside " + w.String()
}

// window is a parsed time condition.
type window struct {
	days     days
	dayText  string
	span     span
	loc      *time.Location
	zoneName string
}

func (w window) String() string {
	return w.dayText + " " + w.span.String()
}

// windowOf reads a time condition: no days means every day, no from/to
// means the whole day, no time zone means UTC.
func windowOf(c inboxbot.Condition) (window, error) {
	w := window{dayText: "every day", span: allDay}
	for i := range w.days {
		w.days[i] = true
	}
	if len(c.Days) > 0 {
		w.days = days{}
		for _, spec := range c.Days {
			d, err := parseDays(spec)
			if err != nil {
				return w, err
			}
			for i := range d {
				w.days[i] = w.days[i] || d[i]
			}
		}
		w.dayText = strings.ToLower(strings.Join(c.Days, ","))
	}
	if c.From != "" || c.To != "" {
		if c.From == "" || c.To == "" {
			return w, fmt.Errorf("needs both from and to")
		}
		s, err := makeSpan(c.From, c.To)
		if err != nil {
			return w, err
		}
		w.span = s
	}
	loc, err := location(c.Timezone)
	if err != nil {
		return w, err
	}
	w.loc, w.zoneName = loc, c.Timezone
	return w, nil
}
