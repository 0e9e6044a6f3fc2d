package teamfile

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/inboxbot/inboxbot"
)

// maxFileErrors caps how many problems one error reports: past that, the
// file is more likely in the wrong format altogether.
const maxFileErrors = 20

// Bounds on a file, so that a wrong or hostile file (/dev/zero, half a
// million members) is refused quickly instead of eating the memory.
const (
	// MaxFileBytes is the largest file read (1 MiB).
	MaxFileBytes = 1 << 20
	// MaxMembers and MaxRules bound the entries of one file.
	MaxMembers = 2000
	MaxRules   = 500
	// MaxListItems bounds every list within an entry (regions, rule
	// members, conditions, values).
	MaxListItems = 200
	// MaxValueLength bounds every value, in bytes.
	MaxValueLength = inboxbot.MaxTextLength
	// maxQuote is how much of a value an error quotes back.
	maxQuote = 60
)

// Read reads a team file from r, refusing one over MaxFileBytes without
// reading further.
func Read(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return nil, tooBig()
	}
	return data, nil
}

func tooBig() error {
	return inboxbot.Errorf(inboxbot.EINVALID, "the file is over %d bytes (1 MiB); a team file is far smaller", MaxFileBytes)
}

// maxAliases bounds YAML aliases, so that a small file cannot expand into
// a huge one ("billion laughs").
const maxAliases = 100

// Keys each part of the file may have.
var (
	topKeys       = []string{"members", "rules", "sla"}
	memberKeys    = []string{"name", "role", "slack", "discord", "timezone", "hours", "regions", "capacity"}
	ruleKeys      = []string{"name", "status", "trigger", "when", "assign"}
	conditionKeys = []string{"field", "op", "value", "values", "days", "from", "to", "timezone"}
	assignKeys    = []string{"method", "members", "field", "skip_away", "working_hours", "respect_capacity", "when_away", "reassign_after"}
)

// ParseFile reads and checks a team and rules file (YAML, DESIGN.md
// section 5). Every problem is found before anything is returned, and each
// names its line, entry and field:
//
//	line 14: rules[2] "Facebook leads" assign.method: unknown method "roundrobin" (want user, round_robin, custom_field, least_loaded)
//
// A rule may name members of the file and the members in known (the names
// of existing members); any other name is an error. Members come back with
// the keys each entry wrote, so that applying the file can keep what an
// entry leaves out. Rules come back in file order with Priority 1, 2, ...;
// rules is nil when the file has no rules key or "rules:" has no value
// (leave the rule set alone) and empty for "rules: []" (remove them all).
// The error is an *inboxbot.Error with code EINVALID.
func ParseFile(data []byte, known ...string) (members []MemberEntry, rules []inboxbot.Rule, err error) {
	f, err := Parse(data, known...)
	return f.Members, f.Rules, err
}

// File is a parsed team file.
type File struct {
	Members []MemberEntry
	// Rules is nil when the file leaves the rule set alone (see ParseFile).
	Rules []inboxbot.Rule
	// SLA are the service-level policies in file order; never nil: a file
	// without sla removes them all (DESIGN.md section 5b).
	SLA []inboxbot.Policy
}

// Parse is ParseFile that also returns the file's service-level policies.
func Parse(data []byte, known ...string) (File, error) {
	members, rules, policies, err := parse(data, known...)
	return File{Members: members, Rules: rules, SLA: policies}, err
}

func parse(data []byte, known ...string) (members []MemberEntry, rules []inboxbot.Rule, policies []inboxbot.Policy, err error) {
	p := &parser{known: map[string]bool{}, names: map[string]bool{}, links: map[string]string{}}
	for _, k := range known {
		p.known[strings.ToLower(k)] = true
	}
	if len(data) > MaxFileBytes {
		return nil, nil, nil, tooBig()
	}
	root, err := decodeYAML(data)
	if err != nil {
		return nil, nil, nil, inboxbot.Errorf(inboxbot.EINVALID, "%s", err)
	}
	policies = []inboxbot.Policy{}
	if root != nil {
		members, rules = p.file(root)
		policies = p.policies(root)
	}
	if err := p.err(); err != nil {
		return nil, nil, nil, err
	}
	return members, rules, policies, nil
}

// decodeYAML parses one YAML document; nil for an empty file.
func decodeYAML(data []byte) (root *yaml.Node, err error) {
	// yaml.v3 has panicked on hostile input before; a rules file must
	// never take the process down.
	defer func() {
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: cannot parse the file: %v", r)
		}
	}()
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("line %d: the file has more than one YAML document", extra.Line)
	}
	if n := countAliases(&doc); n > maxAliases {
		return nil, fmt.Errorf("the file uses %d YAML aliases; at most %d are allowed", n, maxAliases)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

func countAliases(n *yaml.Node) int {
	c := 0
	if n.Kind == yaml.AliasNode {
		c++
	}
	for _, k := range n.Content {
		c += countAliases(k)
	}
	return c
}

// parser collects the problems of one file.
type parser struct {
	problems []string
	// known are existing member names, names those of the file, lower-case.
	known, names map[string]bool
	// links maps "slack:U123" to the member that has it.
	links map[string]string
}

// memberNames are the names of the members there are and of those the
// file has so far, for the look-alike check.
func (p *parser) memberNames() []string {
	out := make([]string, 0, len(p.known)+len(p.names))
	for n := range p.known {
		out = append(out, n)
	}
	for n := range p.names {
		out = append(out, n)
	}
	return out
}

func (p *parser) addf(n *yaml.Node, path, format string, args ...any) {
	if len(p.problems) > maxFileErrors {
		return
	}
	for i, a := range args {
		// A bad value is quoted, not copied: a 50 MB value makes a
		// 50 MB error line.
		if s, ok := a.(string); ok {
			args[i] = inboxbot.Cut(s, maxQuote)
		}
	}
	msg := fmt.Sprintf(format, args...)
	if len(p.problems) == maxFileErrors {
		msg = "(more problems not shown)"
	} else {
		msg = path + ": " + msg
		if n != nil && n.Line > 0 {
			msg = fmt.Sprintf("line %d: %s", n.Line, msg)
		}
	}
	p.problems = append(p.problems, msg)
}

func (p *parser) err() error {
	switch len(p.problems) {
	case 0:
		return nil
	case 1:
		return inboxbot.Errorf(inboxbot.EINVALID, "%s", p.problems[0])
	}
	return inboxbot.Errorf(inboxbot.EINVALID, "%d problems in the rules file:\n%s", len(p.problems), strings.Join(p.problems, "\n"))
}

func (p *parser) file(root *yaml.Node) ([]MemberEntry, []inboxbot.Rule) {
	top := p.mapping(root, "file", topKeys)
	if top == nil {
		return nil, nil
	}
	var members []MemberEntry
	if n := top.get("members"); n != nil {
		for i, item := range p.bounded(n, "members", MaxMembers) {
			members = append(members, p.member(item, fmt.Sprintf("members[%d]", i)))
		}
	}
	var rules []inboxbot.Rule
	// "rules:" with every entry commented out is null: read it as no rules
	// key, so that a file being edited never deletes every rule by accident.
	if n := top.get("rules"); n != nil && !isNull(resolve(n)) {
		rules = []inboxbot.Rule{}
		// Member references are checked once every member of the file is
		// known, so that order within the file does not matter.
		var refs []memberRef
		seen := map[string]bool{}
		for i, item := range p.bounded(n, "rules", MaxRules) {
			r, rs := p.rule(item, fmt.Sprintf("rules[%d]", i), seen)
			r.Priority = i + 1
			rules = append(rules, r)
			refs = append(refs, rs...)
		}
		for _, ref := range refs {
			if !p.names[strings.ToLower(ref.name)] && !p.known[strings.ToLower(ref.name)] {
				p.addf(ref.node, ref.path, "unknown member %q (not among this file's members nor the existing ones)", ref.name)
			}
		}
	}
	return members, rules
}

// memberRef is a member name a rule uses, checked at the end.
type memberRef struct {
	name string
	path string
	node *yaml.Node
}

// fields is a YAML mapping whose keys were checked.
type fields map[string]*yaml.Node

func (f fields) get(key string) *yaml.Node { return f[key] }

// mapping checks that n is a mapping with only allowed, unrepeated keys.
// It returns nil (after recording why) when n is not a mapping.
func (p *parser) mapping(n *yaml.Node, path string, allowed []string) fields {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.addf(n, path, "must be a mapping of %s", strings.Join(allowed, ", "))
		return nil
	}
	out := fields{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.addf(k, path, "unknown key %q (want %s)", k.Value, strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.addf(k, path, "key %q appears twice", k.Value)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func (p *parser) sequence(n *yaml.Node, path string) []*yaml.Node {
	n = resolve(n)
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.addf(n, path, "must be a list")
		return nil
	}
	return n.Content
}

// bounded is sequence with at most max items; a longer list is an error
// and none of it is read.
func (p *parser) bounded(n *yaml.Node, path string, max int) []*yaml.Node {
	items := p.sequence(n, path)
	if len(items) > max {
		p.addf(n, path, "has %d entries; at most %d are allowed", len(items), max)
		return nil
	}
	return items
}

// str reads a scalar as text. Numbers stay as written, so that an unquoted
// Discord id keeps its digits.
func (p *parser) str(n *yaml.Node, path string) string {
	if n == nil {
		return ""
	}
	n = resolve(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.addf(n, path, "must be a single value, not a list or mapping")
		return ""
	}
	if len(n.Value) > MaxValueLength {
		p.addf(n, path, "is %d bytes long; at most %d are allowed (%q)", len(n.Value), MaxValueLength, n.Value)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (p *parser) strs(n *yaml.Node, path string) []string {
	if n == nil {
		return nil
	}
	var out []string
	for i, item := range p.bounded(n, path, MaxListItems) {
		s := p.str(item, fmt.Sprintf("%s[%d]", path, i))
		if s == "" {
			p.addf(item, fmt.Sprintf("%s[%d]", path, i), "must not be empty")
			continue
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) boolean(n *yaml.Node, path string) bool {
	if n == nil {
		return false
	}
	var b bool
	if err := resolve(n).Decode(&b); err != nil {
		p.addf(n, path, "must be true or false (got %q)", n.Value)
	}
	return b
}

func (p *parser) integer(n *yaml.Node, path string) int {
	if n == nil {
		return 0
	}
	var i int
	if err := resolve(n).Decode(&i); err != nil {
		p.addf(n, path, "must be a whole number (got %q)", n.Value)
	}
	return i
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}
