package commands

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inboxbot/inboxbot"
)

// Command is one parsed /inbox command. Only the fields its Name uses are set.
type Command struct {
	// Name is the command as its usage line names it: "list", "claim",
	// "contact assign", "view save", "rules test", ...
	Name string
	// ID is the conversation id, or the rule id for rules show/publish/unpublish.
	ID int64
	// Member is the member token as typed: @dana, dana, <@U123>, <@!123>.
	Member string
	// Contact is the contact's external id or e-mail (contact assign).
	Contact string
	// Query is the filter of list and view save.
	Query Query
	// View is the view name of view save and view delete.
	View string
	// Shared makes a saved view visible to the team.
	Shared bool
	// Kind is the notification kind of notify; "" means all kinds.
	Kind string
	// Switch is "on", "off" or "" (show the settings) for notify.
	Switch string
	// Topic is the command help was asked about; "" for all.
	Topic string
	// Text is the message of reply, as typed after the id.
	Text string
	// Window is how far back stats looks (7 or 30 days).
	Window time.Duration
	// MessageID is the platform's id of a reply a member wrote in the
	// customer's thread (ThreadReply).
	MessageID string
}

// UsageError is a command the parser refused: what was wrong, and the
// usage line of the command meant.
type UsageError struct {
	Command string
	Message string
	Usage   string
}

// Error returns the message.
func (e *UsageError) Error() string { return e.Message }

// reject builds a UsageError for the command named name.
func reject(name, format string, args ...any) *UsageError {
	return &UsageError{Command: name, Message: fmt.Sprintf(format, args...), Usage: Usage(name)}
}

// Parse reads the words after "/inbox". Empty text is help. Words are
// case-insensitive except names, ids and filter values.
func Parse(text string) (Command, error) {
	// The database refuses NUL and invalid UTF-8 in a filter or a name:
	// bad input, said here once for every surface.
	if strings.ContainsRune(text, 0) || !utf8.ValidString(text) {
		return Command{}, &UsageError{Message: "The command contains a NUL character or invalid UTF-8; type it again.", Usage: Usage("help")}
	}
	words := strings.Fields(text)
	if len(words) > 0 && strings.EqualFold(words[0], "/inbox") {
		words = words[1:]
	}
	if len(words) == 0 {
		return Command{Name: "help"}, nil
	}
	verb, args := strings.ToLower(words[0]), words[1:]
	switch verb {
	case "help":
		return parseHelp(args)
	case "list", "ls":
		q, err := parseQuery("list", args)
		return Command{Name: "list", Query: q}, err
	case "show", "claim", "unassign", "follow", "unfollow", "close", "reopen":
		id, err := oneID(verb, args)
		return Command{Name: verb, ID: id}, err
	case "assign":
		return parseAssign(args)
	case "reply":
		return parseReply(text)
	case "contact":
		return parseContact(args)
	case "view":
		return parseView(args)
	case "rules", "rule":
		return parseRules(args)
	case "away", "back", "team":
		if len(args) > 0 {
			return Command{}, reject(verb, "/inbox %s takes no arguments (got %q).", verb, clip(strings.Join(args, " ")))
		}
		return Command{Name: verb}, nil
	case "notify":
		return parseNotify(args)
	case "stats":
		return parseStats(args)
	}
	return Command{}, &UsageError{
		Message: fmt.Sprintf("Unknown command %q.%s", clip(words[0]), suggest(verb)),
		Usage:   Usage("help"),
	}
}

// parseReply reads reply <id> <text>; the text keeps its spacing and lines.
func parseReply(text string) (Command, error) {
	rest := text
	for _, skip := range []string{"/inbox", "reply"} { // the words Parse read
		if w, after := firstWord(rest); strings.EqualFold(w, skip) {
			rest = after
		}
	}
	word, body := firstWord(rest)
	if word == "" {
		return Command{}, reject("reply", "Which conversation? Give its id, like 1042 or #1042, then the text.")
	}
	id, err := parseID("reply", word, "conversation")
	if err != nil {
		return Command{}, err
	}
	if strings.TrimSpace(body) == "" {
		return Command{}, reject("reply", "What should the contact read? Write the text after the id.")
	}
	return Command{Name: "reply", ID: id, Text: strings.TrimSpace(body)}, nil
}

// firstWord splits s after its first word.
func firstWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeftFunc(s[i:], unicode.IsSpace)
}

// suggest names commands that start like word, to catch typos.
func suggest(word string) string {
	var hits []string
	for _, u := range usages {
		top := strings.Fields(u.name)[0]
		near := len(word) >= 2 && strings.HasPrefix(top, word[:2]) || distance(word, top) <= max(1, len(top)/3)
		if word != "" && near && !slices.Contains(hits, top) {
			hits = append(hits, top)
		}
	}
	if len(hits) == 0 {
		return " Try /inbox help."
	}
	return " Did you mean " + strings.Join(hits, ", ") + "? Try /inbox help."
}

// distance is the Levenshtein distance of a and b: "clam" is 1 from
// "claim", "bogus" 4 from "back".
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// echoLimit is how many characters of what was typed a message quotes:
// enough to recognise it, and a pasted page is not echoed back whole.
const echoLimit = 40

// clip shortens typed text for quoting in a message.
func clip(s string) string { return inboxbot.Cut(s, echoLimit) }

func parseHelp(args []string) (Command, error) {
	if len(args) == 0 {
		return Command{Name: "help"}, nil
	}
	topic := strings.ToLower(strings.Join(args, " "))
	if topic == "ls" {
		topic = "list"
	}
	if topic == "rule" {
		topic = "rules"
	}
	if usageOf(topic) == "" {
		return Command{}, reject("help", "There is no command %q.", clip(strings.Join(args, " ")))
	}
	return Command{Name: "help", Topic: topic}, nil
}

// oneID parses the single <id> argument of show, claim, unassign, follow
// and unfollow.
func oneID(name string, args []string) (int64, error) {
	if len(args) == 0 {
		return 0, reject(name, "Which conversation? Give its id, like 1042 or #1042.")
	}
	if len(args) > 1 {
		return 0, reject(name, "Too many words after the id: %q.", clip(strings.Join(args[1:], " ")))
	}
	return parseID(name, args[0], "conversation")
}

// parseID accepts 1042 and #1042. what is "conversation" or "rule": the
// hint shows an id of that kind, since rule ids are small numbers people
// read off /inbox rules, not conversation numbers.
func parseID(name, word, what string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(word, "#"), 10, 64)
	if err != nil || id <= 0 || strings.HasPrefix(word, "#+") || strings.HasPrefix(word, "+") {
		if what == "rule" {
			return 0, reject(name, "%q is not a rule id; write its number, like 3 (/inbox rules lists them).", clip(word))
		}
		return 0, reject(name, "%q is not a %s id; write it like 1042 or #1042.", clip(word), what)
	}
	return id, nil
}

func parseAssign(args []string) (Command, error) {
	switch len(args) {
	case 0:
		return Command{}, reject("assign", "Which conversation, and to whom?")
	case 1:
		return Command{}, reject("assign", "Assign %s to whom? Name a member, like @dana.", clip(args[0]))
	case 2:
	default:
		return Command{}, reject("assign", "Too many words after the member: %q.", clip(strings.Join(args[2:], " ")))
	}
	id, err := parseID("assign", args[0], "conversation")
	if err != nil {
		return Command{}, err
	}
	m, err := memberToken("assign", args[1], true)
	return Command{Name: "assign", ID: id, Member: m}, err
}

func parseContact(args []string) (Command, error) {
	if len(args) == 0 || !strings.EqualFold(args[0], "assign") {
		return Command{}, reject("contact assign", "The contact command is /inbox contact assign.")
	}
	args = args[1:]
	switch len(args) {
	case 0:
		return Command{}, reject("contact assign", "Which contact, and to whom?")
	case 1:
		return Command{}, reject("contact assign", "Assign contact %s to whom? Name a member, like @dana.", clip(args[0]))
	case 2:
	default:
		return Command{}, reject("contact assign", "Too many words after the member: %q.", clip(strings.Join(args[2:], " ")))
	}
	m, err := memberToken("contact assign", args[1], true)
	return Command{Name: "contact assign", Contact: args[0], Member: m}, err
}

func parseView(args []string) (Command, error) {
	if len(args) == 0 {
		return Command{}, reject("view", "Say what to do with views: save, list or delete.")
	}
	sub := strings.ToLower(args[0])
	args = args[1:]
	switch sub {
	case "list", "ls":
		if len(args) > 0 {
			return Command{}, reject("view list", "/inbox view list takes no arguments (got %q).", clip(strings.Join(args, " ")))
		}
		return Command{Name: "view list"}, nil
	case "delete", "rm":
		if len(args) != 1 {
			return Command{}, reject("view delete", "Give the name of one view to delete.")
		}
		if err := viewName("view delete", args[0]); err != nil {
			return Command{}, err
		}
		return Command{Name: "view delete", View: args[0]}, nil
	case "save":
		if len(args) == 0 {
			return Command{}, reject("view save", "Give the view a name and filters, like: /inbox view save vip mine tag:vip.")
		}
		name, words := args[0], args[1:]
		if err := viewName("view save", name); err != nil {
			return Command{}, err
		}
		// Only new names are bounded: a view saved before the bound must
		// still be deletable by its name.
		if err := inboxbot.CheckLabel("The view name", name, inboxbot.MaxLabelLength); err != nil {
			return Command{}, reject("view save", "%s.", inboxbot.ErrorMessage(err))
		}
		shared := false
		var filters []string
		for _, w := range words {
			if strings.EqualFold(w, "shared") {
				shared = true
				continue
			}
			filters = append(filters, w)
		}
		if len(filters) == 0 {
			return Command{}, reject("view save", "View %q needs at least one filter, like mine, team, @dana or tag:vip.", clip(name))
		}
		q, err := parseQuery("view save", filters)
		if err != nil {
			return Command{}, err
		}
		if q.View != "" {
			return Command{}, reject("view save", "A view cannot include another view (view:%s).", clip(q.View))
		}
		return Command{Name: "view save", View: name, Query: q, Shared: shared}, nil
	}
	return Command{}, reject("view", "Unknown view command %q: use save, list or delete.", clip(sub))
}

// viewName refuses names that would read as filter words when the view is
// used; a view is named in one word.
func viewName(cmd, name string) error {
	if strings.ContainsAny(name, ":@<>#") || isScope(strings.ToLower(name)) || strings.EqualFold(name, "shared") {
		return reject(cmd, "%q cannot be a view name: use one plain word such as vip-open.", clip(name))
	}
	return nil
}

func parseRules(args []string) (Command, error) {
	if len(args) == 0 {
		return Command{Name: "rules list"}, nil
	}
	sub := strings.ToLower(args[0])
	args = args[1:]
	switch sub {
	case "list", "ls":
		if len(args) > 0 {
			return Command{}, reject("rules list", "/inbox rules list takes no arguments (got %q).", clip(strings.Join(args, " ")))
		}
		return Command{Name: "rules list"}, nil
	case "sla":
		if len(args) > 0 {
			return Command{}, reject("rules sla", "/inbox rules sla takes no arguments (got %q).", clip(strings.Join(args, " ")))
		}
		return Command{Name: "rules sla"}, nil
	case "show", "publish", "unpublish", "test":
		name := "rules " + sub
		what := "rule"
		if sub == "test" {
			what = "conversation"
		}
		if len(args) == 0 {
			return Command{}, reject(name, "Which %s? Give its id.", what)
		}
		if len(args) > 1 {
			return Command{}, reject(name, "Too many words after the id: %q.", clip(strings.Join(args[1:], " ")))
		}
		id, err := parseID(name, args[0], what)
		return Command{Name: name, ID: id}, err
	}
	return Command{}, reject("rules", "Unknown rules command %q: use list, show, test, sla, publish or unpublish.", clip(sub))
}

func parseNotify(args []string) (Command, error) {
	c := Command{Name: "notify"}
	for i, a := range args {
		w := strings.ToLower(a)
		switch {
		case w == "on" || w == "off":
			if c.Switch != "" {
				return Command{}, reject("notify", "Say on or off once.")
			}
			c.Switch = w
		case isNotifyKind(w):
			if c.Kind != "" || c.Switch != "" {
				return Command{}, reject("notify", "Name one kind of notification, before on or off.")
			}
			c.Kind = w
		case c.Switch != "":
			// on or off is the last word; what follows it is extra, not a
			// misspelt setting.
			return Command{}, reject("notify", "Too many words after %s: %q.", c.Switch, clip(strings.Join(args[i:], " ")))
		default:
			return Command{}, reject("notify", "Unknown notification setting %q: kinds are assigned, reassigned, following and alerts; then on or off.", clip(a))
		}
	}
	return c, nil
}

func isNotifyKind(w string) bool {
	for _, k := range inboxbot.NotifyKinds {
		if k == w {
			return true
		}
	}
	return false
}

// memberToken checks the form of a member reference. bare allows a name
// without @ (where the grammar expects a member anyway, as in assign).
func memberToken(cmd, w string, bare bool) (string, error) {
	switch {
	case strings.HasPrefix(w, "<@"):
		if _, _, ok := parseMention(w); !ok {
			return "", reject(cmd, "%q is not a user mention.", clip(w))
		}
		return w, nil
	case strings.HasPrefix(w, "@"):
		if len(w) == 1 || strings.ContainsAny(w[1:], "@<>") {
			return "", reject(cmd, "%q is not a member name; write it like @dana.", clip(w))
		}
		return w, nil
	case bare && w != "" && !strings.ContainsAny(w, "@<>#:"):
		return "@" + w, nil
	}
	return "", reject(cmd, "%q is not a member; write it like @dana.", clip(w))
}

// parseMention reads <@U123> (Slack), <@123> or <@!123> (Discord) and
// Slack's escaped form <@U123|dana>. It returns the user id and the name
// hint, if any.
func parseMention(w string) (id, name string, ok bool) {
	if !strings.HasPrefix(w, "<@") || !strings.HasSuffix(w, ">") {
		return "", "", false
	}
	body := strings.TrimPrefix(w[2:len(w)-1], "!")
	id, name, _ = strings.Cut(body, "|")
	if id == "" {
		return "", "", false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return "", "", false
		}
	}
	return id, name, true
}
