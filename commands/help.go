package commands

import "strings"

// usages are the usage lines of docs/design.md section 2, one per command, in
// the order help lists them.
var usages = []struct{ name, line string }{
	{"help", "/inbox help [command]"},
	{"list", "/inbox list [mine|team|following|all] [@member] [status:open|closed] [tag:X] [channel:X] [sla:due|breached] [view:NAME]"},
	{"show", "/inbox show <id>"},
	{"claim", "/inbox claim <id>"},
	{"assign", "/inbox assign <id> @member"},
	{"unassign", "/inbox unassign <id>"},
	{"follow", "/inbox follow <id>"},
	{"unfollow", "/inbox unfollow <id>"},
	{"close", "/inbox close <id>"},
	{"reopen", "/inbox reopen <id>"},
	{"reply", "/inbox reply <id> <text>"},
	{"contact assign", "/inbox contact assign <contact external id or e-mail> @member"},
	{"view save", "/inbox view save <name> <filters...> [shared]"},
	{"view list", "/inbox view list"},
	{"view delete", "/inbox view delete <name>"},
	{"rules list", "/inbox rules [list]"},
	{"rules show", "/inbox rules show <id>"},
	{"rules test", "/inbox rules test <conversation id>"},
	{"rules sla", "/inbox rules sla"},
	{"rules publish", "/inbox rules publish <id>"},
	{"rules unpublish", "/inbox rules unpublish <id>"},
	{"away", "/inbox away"},
	{"back", "/inbox back"},
	{"notify", "/inbox notify [assigned|reassigned|following|alerts|sla] [on|off]"},
	{"team", "/inbox team"},
	{"stats", "/inbox stats [7d|30d]"},
}

// groups are command words with subcommands: their usage is every line of
// the group, for when the subcommand itself was wrong.
var groups = map[string]string{
	"contact": "contact assign",
	"view":    "/inbox view save <name> <filters...> [shared]   /inbox view list   /inbox view delete <name>",
	"rules":   "/inbox rules [list|show <id>|test <conversation id>|publish <id>|unpublish <id>]",
}

// usageOf returns the usage line of a command or group, or "".
func usageOf(name string) string {
	for _, u := range usages {
		if u.name == name {
			return u.line
		}
	}
	if g, ok := groups[name]; ok {
		if g == "contact assign" {
			return usageOf(g)
		}
		return g
	}
	return ""
}

// Usage returns the usage line of the command named name ("claim",
// "view save", "rules"); for an unknown name, the usage of help.
func Usage(name string) string {
	if u := usageOf(name); u != "" {
		return u
	}
	return usageOf("help")
}

// help lists every command, or the usage of one.
// topicNotes say who may use a command, where help on it should say so.
var topicNotes = map[string]string{
	"close":  "The assignee, managers and admins may close a conversation; anyone may close an unassigned one.",
	"reopen": "The conversation comes back with the member who held it. The same people may reopen it as may close it.",
	"reply":  "The contact gets the text through the system the conversation came from. Its assignee, followers, managers and admins may reply.",
}

func help(cmd Command) Response {
	if cmd.Topic != "" {
		var lines []string
		for _, u := range usages {
			if u.name == cmd.Topic || strings.HasPrefix(u.name, cmd.Topic+" ") {
				lines = append(lines, u.line)
			}
		}
		if len(lines) > 0 {
			if note := topicNotes[cmd.Topic]; note != "" {
				lines = append(lines, note)
			}
			return reply("Usage", strings.Join(lines, "\n"))
		}
		// An adapter's Command may name a topic the parser would refuse:
		// the full list is the helpful answer.
	}
	lines := make([]string, 0, len(usages)+3)
	for _, u := range usages {
		lines = append(lines, u.line)
	}
	lines = append(lines, "",
		"<id> is a conversation number: 1042 or #1042. @member is a mention or a member's name.",
		"The Team inbox holds open unassigned conversations; your inbox holds the open ones assigned to you.",
		"Close and reopen: the assignee, managers and admins; anyone may close an unassigned conversation.",
		"Reply sends the contact a message (its assignee, followers, managers and admins may); to write to your team only, reply in the thread under the conversation's card.")
	return reply("inboxbot commands", strings.Join(lines, "\n"))
}
