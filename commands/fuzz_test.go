package commands

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that no input panics the parser and that every
// rejection says what was wrong and shows a usage line.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"", "help", "help view", "list", "list mine @dana status:open tag:vip channel:sms view:hot",
		"list <@U123>", "list <@!42>", "list team @x", "show #1042", "claim 1042", "assign 7 @lee",
		"assign 7 <@U1|lee>", "unassign #1", "follow 1", "unfollow 1", "contact assign jane@x.com @lee",
		"view save vip mine tag:vip shared", "view list", "view delete vip", "rules", "rules show 1",
		"rules test #9", "rules publish 2", "rules unpublish 2", "away", "back", "notify alerts off",
		"team", "claim #", "assign # @", "list status:", "view save : :", "<@", "notify on on",
		"claim 9223372036854775808", "list tag:a:b", "\x00", "list @\u00e9",
		strings.Repeat("verylong", 2000), "notify on " + strings.Repeat("x", 5000),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := Parse(text)
		if err == nil {
			if cmd.Name == "" || usageOf(cmd.Name) == "" {
				t.Fatalf("Parse(%q) accepted a command with no usage: %+v", text, cmd)
			}
			return
		}
		ue, ok := err.(*UsageError)
		if !ok {
			t.Fatalf("Parse(%q) error %T is not a *UsageError", text, err)
		}
		if strings.TrimSpace(ue.Message) == "" {
			t.Fatalf("Parse(%q): rejection without a message", text)
		}
		// Quotes of the input are clipped, so a message stays short
		// whatever was pasted.
		if n := utf8.RuneCountInString(ue.Message); n > 300 {
			t.Fatalf("Parse(%.40q…): rejection of %d characters", text, n)
		}
		if !strings.HasPrefix(ue.Usage, "/inbox ") {
			t.Fatalf("Parse(%q): rejection %q without a usage line (%q)", text, ue.Message, ue.Usage)
		}
	})
}
