package teamfile

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/inboxbot/inboxbot"
)

// MaxPolicies bounds the sla list of one file.
const MaxPolicies = 100

var (
	policyKeys   = []string{"name", "when", "first_response", "next_response", "resolution", "hours", "warn_before", "escalate"}
	stepKeys     = []string{"after", "notify", "post", "reassign"}
	hoursValues  = []string{inboxbot.HoursBusiness, inboxbot.HoursAlways}
	notifyValues = []string{inboxbot.NotifyAssignee, inboxbot.NotifyFollowers, inboxbot.NotifyManagers}
	reassignVals = []string{inboxbot.ReassignTeam, inboxbot.ReassignNext}
)

// policies reads the file's sla list (DESIGN.md section 5b); the top-level
// keys were checked by file.
func (p *parser) policies(root *yaml.Node) []inboxbot.Policy {
	out := []inboxbot.Policy{}
	root = resolve(root)
	if root.Kind != yaml.MappingNode {
		return out
	}
	var n *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sla" {
			n = root.Content[i+1]
		}
	}
	if n == nil {
		return out
	}
	seen := map[string]bool{}
	for i, item := range p.bounded(n, "sla", MaxPolicies) {
		out = append(out, p.policy(item, fmt.Sprintf("sla[%d]", i), seen))
	}
	return out
}

// policy reads and checks one entry of sla.
func (p *parser) policy(n *yaml.Node, path string, seen map[string]bool) inboxbot.Policy {
	path = named(n, path)
	f := p.mapping(n, path, policyKeys)
	if f == nil {
		return inboxbot.Policy{}
	}
	pol := inboxbot.Policy{
		Name:          p.str(f.get("name"), sub(path, "name")),
		FirstResponse: p.duration(f.get("first_response"), sub(path, "first_response"), inboxbot.MinSLATarget),
		NextResponse:  p.duration(f.get("next_response"), sub(path, "next_response"), inboxbot.MinSLATarget),
		Resolution:    p.duration(f.get("resolution"), sub(path, "resolution"), inboxbot.MinSLATarget),
		WarnBefore:    p.duration(f.get("warn_before"), sub(path, "warn_before"), 0),
		Hours:         strings.ToLower(p.str(f.get("hours"), sub(path, "hours"))),
	}
	switch {
	case pol.Name == "":
		p.addf(n, sub(path, "name"), "is required")
	case inboxbot.CheckLabel("the policy name", pol.Name, inboxbot.MaxLabelLength) != nil:
		p.addf(f.get("name"), sub(path, "name"), "%s", inboxbot.ErrorMessage(inboxbot.CheckLabel("the policy name", pol.Name, inboxbot.MaxLabelLength)))
	case seen[strings.ToLower(pol.Name)]:
		p.addf(f.get("name"), sub(path, "name"), "policy %q appears twice", pol.Name)
	default:
		seen[strings.ToLower(pol.Name)] = true
	}
	if f.get("first_response") == nil && f.get("next_response") == nil && f.get("resolution") == nil {
		p.addf(n, path, "needs at least one target: first_response, next_response or resolution")
	}
	switch {
	case pol.Hours == "":
		pol.Hours = inboxbot.HoursAlways
	case !slices.Contains(hoursValues, pol.Hours):
		p.addf(f.get("hours"), sub(path, "hours"), "unknown value %q (want %s)", pol.Hours, strings.Join(hoursValues, ", "))
	}
	if w := f.get("when"); w != nil {
		for i, c := range p.bounded(w, sub(path, "when"), MaxListItems) {
			pol.When = append(pol.When, p.condition(c, sub(path, fmt.Sprintf("when[%d]", i))))
		}
	}
	if e := f.get("escalate"); e != nil {
		for i, s := range p.bounded(e, sub(path, "escalate"), inboxbot.MaxSLASteps) {
			pol.Escalate = append(pol.Escalate, p.step(s, sub(path, fmt.Sprintf("escalate[%d]", i))))
		}
	}
	return pol
}

// step reads one escalation step: {after: 10m, notify: [managers], post: inbox}.
func (p *parser) step(n *yaml.Node, path string) inboxbot.Escalation {
	f := p.mapping(n, path, stepKeys)
	if f == nil {
		return inboxbot.Escalation{}
	}
	s := inboxbot.Escalation{
		After:    p.duration(f.get("after"), sub(path, "after"), 0),
		Notify:   p.strs(f.get("notify"), sub(path, "notify")),
		Post:     strings.ToLower(p.str(f.get("post"), sub(path, "post"))),
		Reassign: strings.ToLower(p.str(f.get("reassign"), sub(path, "reassign"))),
	}
	if f.get("after") == nil {
		p.addf(n, sub(path, "after"), "is required (0m is at the breach)")
	}
	for i, who := range s.Notify {
		s.Notify[i] = strings.ToLower(who)
		if !slices.Contains(notifyValues, s.Notify[i]) {
			p.addf(f.get("notify"), sub(path, fmt.Sprintf("notify[%d]", i)), "unknown value %q (want %s)", who, strings.Join(notifyValues, ", "))
		}
	}
	if s.Post != "" && s.Post != inboxbot.PostInbox {
		p.addf(f.get("post"), sub(path, "post"), "unknown value %q (want %s)", s.Post, inboxbot.PostInbox)
	}
	if s.Reassign != "" && !slices.Contains(reassignVals, s.Reassign) {
		p.addf(f.get("reassign"), sub(path, "reassign"), "unknown value %q (want %s)", s.Reassign, strings.Join(reassignVals, ", "))
	}
	if len(s.Notify) == 0 && s.Post == "" && s.Reassign == "" {
		p.addf(n, path, "does nothing: give notify, post or reassign")
	}
	return s
}

// duration reads a Go duration of at least min, up to MaxSLATarget.
func (p *parser) duration(n *yaml.Node, path string, min time.Duration) time.Duration {
	v := p.str(n, path)
	if v == "" {
		if n != nil {
			p.addf(n, path, "needs a duration, like 15m or 1h30m")
		}
		return 0
	}
	d, err := time.ParseDuration(v)
	switch {
	case err != nil:
		p.addf(n, path, "%q is not a duration (want one like 15m or 1h30m)", v)
	case d < min || d > inboxbot.MaxSLATarget:
		p.addf(n, path, "%s is out of range (want %s to %s)", v, Duration(min), Duration(inboxbot.MaxSLATarget))
	default:
		return d
	}
	return 0
}
