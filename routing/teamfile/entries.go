package teamfile

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
)

// Valid values, in the order error messages list them.
var (
	roles    = []string{string(inboxbot.RoleAgent), string(inboxbot.RoleManager), string(inboxbot.RoleAdmin)}
	statuses = []string{string(inboxbot.RuleDraft), string(inboxbot.RulePublished)}
	triggers = strs(inboxbot.Triggers)
	methods  = strs(inboxbot.Methods)
	ops      = []string{inboxbot.OpEq, inboxbot.OpIn, inboxbot.OpContains, inboxbot.OpPrefix}
	fieldSet = []string{inboxbot.FieldLeadSource, inboxbot.FieldChannel, inboxbot.FieldTag, inboxbot.FieldRegion, inboxbot.FieldCustomPrefix + "<key>", inboxbot.FieldTime}
)

// strs turns a list of a string type into strings.
func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// maxCapacity bounds capacity well inside the database's integer column.
const maxCapacity = 100000

// MemberEntry is one entry of a file's members: the member as the entry
// describes it, where the entry is, and which keys it wrote.
type MemberEntry struct {
	inboxbot.Member
	// Path names the entry in messages: `members[0] "dana"`.
	Path string
	// Lines maps each key the entry wrote with a value (name, role, slack,
	// capacity, ...) to its line. A key left out, or written with no value,
	// is not here: applying the file keeps the member's current value.
	Lines map[string]int
}

// Has reports whether the entry wrote key with a value.
func (e MemberEntry) Has(key string) bool {
	_, ok := e.Lines[key]
	return ok
}

// member reads and checks one entry of members.
func (p *parser) member(n *yaml.Node, path string) MemberEntry {
	path = named(n, path)
	e := MemberEntry{Path: path, Lines: map[string]int{}}
	f := p.mapping(n, path, memberKeys)
	if f == nil {
		return e
	}
	for k, v := range f {
		if !isNull(resolve(v)) {
			e.Lines[k] = v.Line
		}
	}
	m := inboxbot.Member{
		Name:      p.str(f.get("name"), sub(path, "name")),
		Role:      inboxbot.Role(p.str(f.get("role"), sub(path, "role"))),
		SlackID:   p.str(f.get("slack"), sub(path, "slack")),
		DiscordID: p.str(f.get("discord"), sub(path, "discord")),
		Timezone:  p.str(f.get("timezone"), sub(path, "timezone")),
		Regions:   p.strs(f.get("regions"), sub(path, "regions")),
		Capacity:  p.integer(f.get("capacity"), sub(path, "capacity")),
	}
	switch {
	case m.Name == "":
		p.addf(n, sub(path, "name"), "is required")
	case p.names[strings.ToLower(m.Name)]:
		p.addf(f.get("name"), sub(path, "name"), "member %q appears twice", m.Name)
	case inboxbot.CheckMemberNameAmong(m.Name, p.memberNames()) != nil:
		// Also a name that looks like another member's, of the file or not.
		p.addf(f.get("name"), sub(path, "name"), "%s", inboxbot.ErrorMessage(inboxbot.CheckMemberNameAmong(m.Name, p.memberNames())))
	default:
		p.names[strings.ToLower(m.Name)] = true
	}
	if m.Role != "" && !slices.Contains(roles, string(m.Role)) {
		p.addf(f.get("role"), sub(path, "role"), "unknown role %q (want %s)", m.Role, strings.Join(roles, ", "))
	}
	if err := routing.CheckTimezone(m.Timezone); err != nil {
		p.addf(f.get("timezone"), sub(path, "timezone"), "%v", err)
	}
	if m.Capacity < 0 || m.Capacity > maxCapacity {
		p.addf(f.get("capacity"), sub(path, "capacity"), "must be 0 (unlimited) to %d", maxCapacity)
	}
	// Platform ids are unique in the database; saying which two entries
	// share one beats the database's error after the fact.
	for _, link := range []struct{ key, id string }{{"slack", m.SlackID}, {"discord", m.DiscordID}} {
		switch {
		case link.id == "":
			continue
		case link.key == "slack" && !inboxbot.ValidUserID(inboxbot.PlatformSlack, link.id):
			p.addf(f.get(link.key), sub(path, link.key), "%q is not a Slack user id (U or W, then capital letters and digits, like U024BE7LH)", link.id)
			continue
		case link.key == "discord" && !inboxbot.ValidUserID(inboxbot.PlatformDiscord, link.id):
			p.addf(f.get(link.key), sub(path, link.key), "%q is not a Discord user id (17 to 20 digits, quoted, like \"100000000000000001\")", link.id)
			continue
		}
		if other, dup := p.links[link.key+":"+link.id]; dup {
			p.addf(f.get(link.key), sub(path, link.key), "%s id %s is also %s's", link.key, link.id, other)
			continue
		}
		p.links[link.key+":"+link.id] = m.Name
	}
	if n := f.get("hours"); n != nil {
		m.Hours = p.hours(n, sub(path, "hours"))
	}
	e.Member = m
	return e
}

// hours reads weekly working hours: {mon-fri: "09:00-17:00", sat: "10:00-14:00"}.
func (p *parser) hours(n *yaml.Node, path string) map[string]string {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		p.addf(n, path, `must be a mapping of days to hours, like {mon-fri: "09:00-17:00"}`)
		return nil
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		day := strings.TrimSpace(k.Value)
		at := sub(path, day)
		if err := routing.CheckDays(day); err != nil {
			p.addf(k, at, "%v", err)
			continue
		}
		if _, dup := out[day]; dup {
			p.addf(k, at, "appears twice")
			continue
		}
		h := p.str(v, at)
		if err := routing.CheckHours(h); err != nil {
			p.addf(v, at, "%v", err)
			continue
		}
		out[day] = h
	}
	return out
}

// rule reads and checks one entry of rules; the member names it uses come
// back to be checked once all members are known.
func (p *parser) rule(n *yaml.Node, path string, seen map[string]bool) (inboxbot.Rule, []memberRef) {
	path = named(n, path)
	f := p.mapping(n, path, ruleKeys)
	if f == nil {
		return inboxbot.Rule{}, nil
	}
	r := inboxbot.Rule{
		Name:    p.str(f.get("name"), sub(path, "name")),
		Status:  inboxbot.RuleStatus(p.str(f.get("status"), sub(path, "status"))),
		Trigger: inboxbot.Trigger(p.str(f.get("trigger"), sub(path, "trigger"))),
	}
	switch {
	case r.Name == "":
		p.addf(n, sub(path, "name"), "is required")
	case inboxbot.CheckLabel("the rule name", r.Name, inboxbot.MaxLabelLength) != nil:
		p.addf(f.get("name"), sub(path, "name"), "%s", inboxbot.ErrorMessage(inboxbot.CheckLabel("the rule name", r.Name, inboxbot.MaxLabelLength)))
	case seen[strings.ToLower(r.Name)]:
		p.addf(f.get("name"), sub(path, "name"), "rule %q appears twice", r.Name)
	default:
		seen[strings.ToLower(r.Name)] = true
	}
	switch {
	case r.Status == "":
		r.Status = inboxbot.RuleDraft
	case !slices.Contains(statuses, string(r.Status)):
		p.addf(f.get("status"), sub(path, "status"), "unknown status %q (want %s)", r.Status, strings.Join(statuses, ", "))
	}
	switch {
	case r.Trigger == "":
		p.addf(n, sub(path, "trigger"), "is required (want %s)", strings.Join(triggers, ", "))
	case !slices.Contains(triggers, string(r.Trigger)):
		p.addf(f.get("trigger"), sub(path, "trigger"), "unknown trigger %q (want %s)", r.Trigger, strings.Join(triggers, ", "))
	}
	if w := f.get("when"); w != nil {
		for i, c := range p.bounded(w, sub(path, "when"), MaxListItems) {
			r.When = append(r.When, p.condition(c, sub(path, fmt.Sprintf("when[%d]", i))))
		}
	}
	a := f.get("assign")
	if a == nil {
		p.addf(n, sub(path, "assign"), "is required")
		return r, nil
	}
	var refs []memberRef
	r.Assign, refs = p.assign(a, sub(path, "assign"))
	return r, refs
}

// condition reads and checks one entry of a rule's when.
func (p *parser) condition(n *yaml.Node, path string) inboxbot.Condition {
	f := p.mapping(n, path, conditionKeys)
	if f == nil {
		return inboxbot.Condition{}
	}
	c := inboxbot.Condition{
		Field:    p.str(f.get("field"), sub(path, "field")),
		Op:       p.str(f.get("op"), sub(path, "op")),
		Timezone: p.str(f.get("timezone"), sub(path, "timezone")),
		From:     p.str(f.get("from"), sub(path, "from")),
		To:       p.str(f.get("to"), sub(path, "to")),
		Days:     p.strs(f.get("days"), sub(path, "days")),
	}
	if v := f.get("value"); v != nil && resolve(v).Kind == yaml.SequenceNode {
		p.addf(v, sub(path, "value"), "must be one value; for a list use op: in with values: [...]")
	} else {
		c.Value = p.str(v, sub(path, "value"))
	}
	c.Values = p.strs(f.get("values"), sub(path, "values"))
	custom, isCustom := strings.CutPrefix(c.Field, inboxbot.FieldCustomPrefix)
	switch {
	case c.Field == "":
		p.addf(n, sub(path, "field"), "is required (want %s)", strings.Join(fieldSet, ", "))
		return c
	case c.Field == inboxbot.FieldTime:
		p.timeCondition(n, f, c, path)
		return c
	case isCustom && custom == "":
		p.addf(f.get("field"), sub(path, "field"), "custom. needs a field name, like custom.plan")
	case !isCustom && !slices.Contains(fieldSet, c.Field):
		p.addf(f.get("field"), sub(path, "field"), "unknown field %q (want %s)", c.Field, strings.Join(fieldSet, ", "))
	}
	for _, k := range []string{"days", "from", "to", "timezone"} {
		if f.get(k) != nil {
			p.addf(f.get(k), sub(path, k), "only a time condition (field: time) has %s", k)
		}
	}
	switch {
	case c.Op == "":
		// Plain {field: channel, value: sms} reads as equality.
		c.Op = inboxbot.OpEq
		if len(c.Values) > 0 && c.Value == "" {
			c.Op = inboxbot.OpIn
		}
	case !slices.Contains(ops, c.Op):
		p.addf(f.get("op"), sub(path, "op"), "unknown operator %q (want %s)", c.Op, strings.Join(ops, ", "))
		return c
	}
	if c.Op == inboxbot.OpIn {
		if len(c.Values) == 0 {
			p.addf(n, sub(path, "values"), "op in needs values: [...]")
		}
		if f.get("value") != nil {
			p.addf(f.get("value"), sub(path, "value"), "op in takes values: [...], not value")
		}
		return c
	}
	if c.Value == "" {
		p.addf(n, sub(path, "value"), "op %s needs a value", c.Op)
	}
	if f.get("values") != nil {
		p.addf(f.get("values"), sub(path, "values"), "op %s takes one value; use op: in for a list", c.Op)
	}
	return c
}

// timeCondition checks a time window: days, from/to, timezone.
func (p *parser) timeCondition(n *yaml.Node, f fields, c inboxbot.Condition, path string) {
	for _, k := range []string{"op", "value", "values"} {
		if f.get(k) != nil {
			p.addf(f.get(k), sub(path, k), "a time condition has days, from, to and timezone, not %s", k)
		}
	}
	for i, d := range c.Days {
		if err := routing.CheckDays(d); err != nil {
			p.addf(f.get("days"), sub(path, fmt.Sprintf("days[%d]", i)), "%v", err)
		}
	}
	if (c.From == "") != (c.To == "") {
		p.addf(n, path, "a time window needs both from and to, or neither (the whole day)")
	} else if c.From != "" {
		if err := routing.CheckClock(c.From, false); err != nil {
			p.addf(f.get("from"), sub(path, "from"), "%v", err)
		} else if err := routing.CheckClock(c.To, true); err != nil {
			p.addf(f.get("to"), sub(path, "to"), "%v", err)
		} else if err := routing.CheckSpan(c.From, c.To); err != nil {
			p.addf(f.get("to"), sub(path, "to"), "%v", err)
		}
	}
	// A bad zone is the one problem named: "needs days" next to it would
	// send people looking for the wrong mistake.
	if err := routing.CheckTimezone(c.Timezone); err != nil {
		p.addf(f.get("timezone"), sub(path, "timezone"), "%v", err)
	} else if c.From == "" && len(c.Days) == 0 {
		p.addf(n, path, "a time window needs days, from and to, or both")
	}
}

// assign reads and checks a rule's action.
func (p *parser) assign(n *yaml.Node, path string) (inboxbot.Assignment, []memberRef) {
	f := p.mapping(n, path, assignKeys)
	if f == nil {
		return inboxbot.Assignment{}, nil
	}
	a := inboxbot.Assignment{
		Method:          inboxbot.Method(p.str(f.get("method"), sub(path, "method"))),
		Members:         p.strs(f.get("members"), sub(path, "members")),
		Field:           p.str(f.get("field"), sub(path, "field")),
		SkipAway:        p.boolean(f.get("skip_away"), sub(path, "skip_away")),
		WorkingHours:    p.boolean(f.get("working_hours"), sub(path, "working_hours")),
		RespectCapacity: p.boolean(f.get("respect_capacity"), sub(path, "respect_capacity")),
		WhenAway:        p.whenAway(f.get("when_away"), sub(path, "when_away")),
		ReassignAfter:   p.reassignAfter(f.get("reassign_after"), sub(path, "reassign_after")),
	}
	switch {
	case a.Method == "":
		p.addf(n, sub(path, "method"), "is required (want %s)", strings.Join(methods, ", "))
	case !slices.Contains(methods, string(a.Method)):
		p.addf(f.get("method"), sub(path, "method"), "unknown method %q (want %s)", a.Method, strings.Join(methods, ", "))
	case a.Method == inboxbot.MethodUser && len(a.Members) != 1:
		p.addf(orNode(f.get("members"), n), sub(path, "members"), "method user needs exactly one member (got %d)", len(a.Members))
	case (a.Method == inboxbot.MethodRoundRobin || a.Method == inboxbot.MethodLeastLoaded) && len(a.Members) == 0:
		p.addf(n, sub(path, "members"), "method %s needs at least one member", a.Method)
	case a.Method == inboxbot.MethodCustomField && a.Field == "":
		p.addf(n, sub(path, "field"), "method custom_field needs field: the contact custom field that names the member")
	case a.Method == inboxbot.MethodCustomField && len(a.Members) > 0:
		p.addf(f.get("members"), sub(path, "members"), "method custom_field takes the member from the contact's field, not from members")
	}
	if a.Method != inboxbot.MethodCustomField && f.get("field") != nil {
		p.addf(f.get("field"), sub(path, "field"), "only method custom_field has field")
	}
	var refs []memberRef
	dup := map[string]bool{}
	var items []*yaml.Node
	if m := f.get("members"); m != nil {
		items = resolve(m).Content
	}
	for i, name := range a.Members {
		// "@dana" is how people write a member in chat; keep the name.
		name = strings.TrimPrefix(name, "@")
		a.Members[i] = name
		at := sub(path, fmt.Sprintf("members[%d]", i))
		node := n
		if i < len(items) {
			node = items[i]
		}
		if dup[strings.ToLower(name)] {
			p.addf(node, at, "member %q is listed twice", name)
			continue
		}
		dup[strings.ToLower(name)] = true
		refs = append(refs, memberRef{name: name, path: at, node: node})
	}
	return a, refs
}

func orNode(n, fallback *yaml.Node) *yaml.Node {
	if n == nil {
		return fallback
	}
	return n
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sub is the path of a field of an entry: "members[0] \"dana\" timezone",
// "rules[1].when[0]".
func sub(path, field string) string {
	if strings.HasSuffix(path, `"`) {
		return path + " " + field
	}
	return path + "." + field
}

// named adds an entry's name to its path, so that every message about it
// says which one it is: `rules[2] "Facebook leads"`.
func named(n *yaml.Node, path string) string {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		return path
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v := resolve(n.Content[i+1]); n.Content[i].Value == "name" && v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) != "" {
			return fmt.Sprintf("%s %q", path, inboxbot.Clip(strings.TrimSpace(v.Value)))
		}
	}
	return path
}

// whenAway reads assign.when_away: keep (the default), team or reroute.
func (p *parser) whenAway(n *yaml.Node, path string) inboxbot.WhenAway {
	w := inboxbot.WhenAway(strings.ToLower(p.str(n, path)))
	if !w.Valid() {
		p.addf(n, path, "unknown value %q (want %s)", w, inboxbot.Join(inboxbot.WhenAways, ", "))
		return ""
	}
	return w
}

// reassignAfter reads assign.reassign_after, a Go duration such as 15m.
func (p *parser) reassignAfter(n *yaml.Node, path string) time.Duration {
	v := p.str(n, path)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		p.addf(n, path, "%q is not a duration (want one like 15m or 1h30m)", v)
	case d < inboxbot.MinReassignAfter || d > inboxbot.MaxReassignAfter:
		p.addf(n, path, "%s is out of range (want %s to %s)", v, Duration(inboxbot.MinReassignAfter), Duration(inboxbot.MaxReassignAfter))
	default:
		return d
	}
	return 0
}
