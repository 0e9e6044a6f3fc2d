package teamfile

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/inboxbot/inboxbot"
)

// ExportFile writes members and rules in the format ParseFile reads, laid
// out like the example of DESIGN.md section 5 (conditions, hours and
// member lists on one line each). Rules are written in the given order,
// which is their priority; service-level policies follow under sla. Availability and notification settings are the
// members' own and are not part of the file.
func ExportFile(members []inboxbot.Member, rules []inboxbot.Rule, policies ...inboxbot.Policy) ([]byte, error) {
	root := mapNode(blockStyle)
	root.HeadComment = "inboxbot team and rules file: apply with `inboxbot rules apply FILE`."
	ms := &yaml.Node{Kind: yaml.SequenceNode}
	for _, m := range members {
		ms.Content = append(ms.Content, memberNode(m))
	}
	put(root, "members", ms)
	rs := &yaml.Node{Kind: yaml.SequenceNode}
	for _, r := range rules {
		rs.Content = append(rs.Content, ruleNode(r))
	}
	put(root, "rules", rs)
	if len(policies) > 0 {
		ps := &yaml.Node{Kind: yaml.SequenceNode}
		for _, p := range policies {
			ps.Content = append(ps.Content, policyNode(p))
		}
		put(root, "sla", ps)
	}

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func memberNode(m inboxbot.Member) *yaml.Node {
	n := mapNode(blockStyle)
	put(n, "name", text(m.Name))
	role := m.Role
	if role == "" {
		role = inboxbot.RoleAgent
	}
	put(n, "role", text(string(role)))
	putText(n, "slack", m.SlackID)
	if m.DiscordID != "" {
		// Quoted: a bare snowflake would read back as a number.
		put(n, "discord", quoted(m.DiscordID))
	}
	putText(n, "timezone", m.Timezone)
	if len(m.Hours) > 0 {
		h := mapNode(yaml.FlowStyle)
		for _, k := range sortedKeys(m.Hours) {
			put(h, k, quoted(m.Hours[k]))
		}
		put(n, "hours", h)
	}
	if len(m.Regions) > 0 {
		put(n, "regions", list(m.Regions))
	}
	if m.Capacity > 0 {
		put(n, "capacity", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(m.Capacity)})
	}
	return n
}

func ruleNode(r inboxbot.Rule) *yaml.Node {
	n := mapNode(blockStyle)
	put(n, "name", text(r.Name))
	status := r.Status
	if status == "" {
		status = inboxbot.RuleDraft
	}
	put(n, "status", text(string(status)))
	put(n, "trigger", text(string(r.Trigger)))
	if len(r.When) > 0 {
		w := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range r.When {
			w.Content = append(w.Content, conditionNode(c))
		}
		put(n, "when", w)
	}
	a := mapNode(blockStyle)
	put(a, "method", text(string(r.Assign.Method)))
	if len(r.Assign.Members) > 0 {
		put(a, "members", list(r.Assign.Members))
	}
	putText(a, "field", r.Assign.Field)
	for _, sw := range []struct {
		key string
		on  bool
	}{{"skip_away", r.Assign.SkipAway}, {"working_hours", r.Assign.WorkingHours}, {"respect_capacity", r.Assign.RespectCapacity}} {
		if sw.on {
			put(a, sw.key, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
		}
	}
	putText(a, "when_away", string(r.Assign.WhenAway))
	if r.Assign.ReassignAfter > 0 {
		put(a, "reassign_after", text(Duration(r.Assign.ReassignAfter)))
	}
	put(n, "assign", a)
	return n
}

// Duration writes a duration as the file does: "15m", "1h30m", "720h".
func Duration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func conditionNode(c inboxbot.Condition) *yaml.Node {
	n := mapNode(yaml.FlowStyle)
	put(n, "field", text(c.Field))
	putText(n, "op", c.Op)
	if c.Value != "" {
		put(n, "value", quotedIfNeeded(c.Value))
	}
	if len(c.Values) > 0 {
		put(n, "values", list(c.Values))
	}
	if len(c.Days) > 0 {
		put(n, "days", list(c.Days))
	}
	if c.From != "" {
		put(n, "from", quoted(c.From))
	}
	if c.To != "" {
		put(n, "to", quoted(c.To))
	}
	putText(n, "timezone", c.Timezone)
	return n
}

// blockStyle is yaml.v3's default, indented style, which has no name.
const blockStyle yaml.Style = 0

func mapNode(style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Style: style}
}

func put(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, text(key), v)
}

func putText(m *yaml.Node, key, v string) {
	if v != "" {
		put(m, key, text(v))
	}
}

// text is a string scalar; the encoder quotes it when it would otherwise
// read back as something else (a number, true, null).
func text(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func quoted(s string) *yaml.Node {
	n := text(s)
	n.Style = yaml.DoubleQuotedStyle
	return n
}

// quotedIfNeeded leaves simple words plain and quotes the rest, which keeps
// flow mappings like {field: channel, op: eq, value: sms} readable.
func quotedIfNeeded(s string) *yaml.Node {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return quoted(s)
		}
	}
	return text(s)
}

func list(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, quotedIfNeeded(s))
	}
	return n
}

func policyNode(p inboxbot.Policy) *yaml.Node {
	n := mapNode(blockStyle)
	put(n, "name", text(p.Name))
	if len(p.When) > 0 {
		w := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range p.When {
			w.Content = append(w.Content, conditionNode(c))
		}
		put(n, "when", w)
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{{"first_response", p.FirstResponse}, {"next_response", p.NextResponse}, {"resolution", p.Resolution}} {
		if t.d > 0 {
			put(n, t.key, text(Duration(t.d)))
		}
	}
	putText(n, "hours", p.Hours)
	if p.WarnBefore > 0 {
		put(n, "warn_before", text(Duration(p.WarnBefore)))
	}
	if len(p.Escalate) > 0 {
		es := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range p.Escalate {
			s := mapNode(yaml.FlowStyle)
			put(s, "after", text(Duration(e.After)))
			if len(e.Notify) > 0 {
				put(s, "notify", list(e.Notify))
			}
			putText(s, "post", e.Post)
			putText(s, "reassign", e.Reassign)
			es.Content = append(es.Content, s)
		}
		put(n, "escalate", es)
	}
	return n
}
