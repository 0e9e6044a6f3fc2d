package commands

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse_EveryCommandForm(t *testing.T) {
	tests := []struct {
		text string
		want Command
	}{
		{"", Command{Name: "help"}},
		{"help", Command{Name: "help"}},
		{"/inbox help", Command{Name: "help"}},
		{"HELP list", Command{Name: "help", Topic: "list"}},
		{"help contact assign", Command{Name: "help", Topic: "contact assign"}},
		{"help rules", Command{Name: "help", Topic: "rules"}},
		{"list", Command{Name: "list"}},
		{"list mine", Command{Name: "list", Query: Query{Scope: "mine"}}},
		{"list TEAM", Command{Name: "list", Query: Query{Scope: "team"}}},
		{"list following", Command{Name: "list", Query: Query{Scope: "following"}}},
		{"list all @dana status:closed", Command{Name: "list", Query: Query{Scope: "all", Member: "@dana", Status: "closed"}}},
		{"list @dana", Command{Name: "list", Query: Query{Member: "@dana"}}},
		{"list <@U123>", Command{Name: "list", Query: Query{Member: "<@U123>"}}},
		{"list <@!123456>", Command{Name: "list", Query: Query{Member: "<@!123456>"}}},
		{"list status:open tag:VIP channel:SMS view:hot", Command{Name: "list", Query: Query{Status: "open", Tag: "VIP", Channel: "sms", View: "hot"}}},
		{"show 1042", Command{Name: "show", ID: 1042}},
		{"show #1042", Command{Name: "show", ID: 1042}},
		{"claim #7", Command{Name: "claim", ID: 7}},
		{"assign 7 @lee", Command{Name: "assign", ID: 7, Member: "@lee"}},
		{"assign #7 lee", Command{Name: "assign", ID: 7, Member: "@lee"}},
		{"assign 7 <@U0LEE>", Command{Name: "assign", ID: 7, Member: "<@U0LEE>"}},
		{"assign 7 <@U0LEE|lee>", Command{Name: "assign", ID: 7, Member: "<@U0LEE|lee>"}},
		{"unassign 7", Command{Name: "unassign", ID: 7}},
		{"follow 7", Command{Name: "follow", ID: 7}},
		{"unfollow #7", Command{Name: "unfollow", ID: 7}},
		{"contact assign jane-1 @lee", Command{Name: "contact assign", Contact: "jane-1", Member: "@lee"}},
		{"contact assign jane@example.com <@123>", Command{Name: "contact assign", Contact: "jane@example.com", Member: "<@123>"}},
		{"view save vip mine tag:vip", Command{Name: "view save", View: "vip", Query: Query{Scope: "mine", Tag: "vip"}}},
		{"view save vip tag:vip shared", Command{Name: "view save", View: "vip", Query: Query{Tag: "vip"}, Shared: true}},
		{"view list", Command{Name: "view list"}},
		{"view delete vip", Command{Name: "view delete", View: "vip"}},
		{"rules", Command{Name: "rules list"}},
		{"rules list", Command{Name: "rules list"}},
		{"rules show 3", Command{Name: "rules show", ID: 3}},
		{"rules test #1042", Command{Name: "rules test", ID: 1042}},
		{"rules publish 3", Command{Name: "rules publish", ID: 3}},
		{"rules unpublish #3", Command{Name: "rules unpublish", ID: 3}},
		{"away", Command{Name: "away"}},
		{"back", Command{Name: "back"}},
		{"notify", Command{Name: "notify"}},
		{"notify off", Command{Name: "notify", Switch: "off"}},
		{"notify following", Command{Name: "notify", Kind: "following"}},
		{"notify alerts OFF", Command{Name: "notify", Kind: "alerts", Switch: "off"}},
		{"notify assigned on", Command{Name: "notify", Kind: "assigned", Switch: "on"}},
		{"notify reassigned off", Command{Name: "notify", Kind: "reassigned", Switch: "off"}},
		{"team", Command{Name: "team"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.text, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestParse_RejectionsSayWhatIsWrongAndShowTheUsage(t *testing.T) {
	tests := []struct {
		text, command, message string
	}{
		{"frobnicate", "", `Unknown command "frobnicate"`},
		{"clam 12", "", `Unknown command "clam". Did you mean claim, close?`},
		{"asign 12 @lee", "", `Did you mean assign?`},
		{"help frob", "help", `no command "frob"`},
		{"claim", "claim", "Which conversation?"},
		{"claim abc", "claim", `"abc" is not a conversation id`},
		{"reply None hi", "reply", `"None" is not a conversation id; write`},
		{"claim #0", "claim", "not a conversation id"},
		{"claim -4", "claim", "not a conversation id"},
		{"claim 99999999999999999999", "claim", "not a conversation id"},
		{"claim 1 2", "claim", "Too many words"},
		{"show", "show", "Which conversation?"},
		{"unassign x", "unassign", "not a conversation id"},
		{"follow", "follow", "Which conversation?"},
		{"unfollow ##3", "unfollow", "not a conversation id"},
		{"assign", "assign", "Which conversation, and to whom?"},
		{"assign 7", "assign", "to whom?"},
		{"assign x @lee", "assign", "not a conversation id"},
		{"assign 7 <@>", "assign", "not a user mention"},
		{"assign 7 @", "assign", "not a member name"},
		{"assign 7 @lee now", "assign", "Too many words"},
		{"contact", "contact assign", "contact assign"},
		{"contact delete jane", "contact assign", "contact assign"},
		{"contact assign", "contact assign", "Which contact"},
		{"contact assign jane", "contact assign", "to whom?"},
		{"list yours", "list", `Unknown filter "yours"`},
		{"list status:pending", "list", "status must be open or closed"},
		{"list tag:", "list", "needs a value"},
		{"list mine team", "list", "only once"},
		{"list mine @dana", "list", "cannot be combined"},
		{"list team @dana", "list", "cannot be combined"},
		{"list @dana @lee", "list", "only once"},
		{"view", "view", "save, list or delete"},
		{"view rename a b", "view", "Unknown view command"},
		{"view save", "view save", "name and filters"},
		{"view save vip", "view save", "at least one filter"},
		{"view save vip shared", "view save", "at least one filter"},
		{"view save vip view:other", "view save", "cannot include another view"},
		{"view save tag:vip mine", "view save", "cannot be a view name"},
		{"view save mine tag:vip", "view save", "cannot be a view name"},
		{"view save vip bogus", "view save", `Unknown filter "bogus"`},
		{"view list x", "view list", "takes no arguments"},
		{"view delete", "view delete", "one view"},
		{"rules drop 3", "rules", "Unknown rules command"},
		{"rules show", "rules show", "Which rule?"},
		{"rules test", "rules test", "Which conversation?"},
		{"rules publish x", "rules publish", "not a rule id"},
		{"rules show abc", "rules show", `"abc" is not a rule id; write its number, like 3 (/inbox rules lists them).`},
		{"rules test abc", "rules test", `"abc" is not a conversation id; write it like 1042 or #1042.`},
		{"rules unpublish 3 4", "rules unpublish", "Too many words"},
		{"rules list all", "rules list", "takes no arguments"},
		{"away now", "away", "takes no arguments"},
		{"back soon", "back", "takes no arguments"},
		{"team list", "team", "takes no arguments"},
		{"notify maybe", "notify", "Unknown notification setting"},
		{"notify on off", "notify", "on or off once"},
		{"notify on assigned", "notify", "before on or off"},
		{"notify assigned following", "notify", "one kind"},
		{"notify assigned on extra", "notify", `Too many words after on: "extra".`},
		{"notify off extra words", "notify", `Too many words after off: "extra words".`},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			_, err := Parse(tt.text)
			var ue *UsageError
			if err == nil || !asUsage(err, &ue) {
				t.Fatalf("Parse(%q) = %v, want a *UsageError", tt.text, err)
			}
			if ue.Command != tt.command {
				t.Errorf("command = %q, want %q", ue.Command, tt.command)
			}
			if !strings.Contains(ue.Message, tt.message) {
				t.Errorf("message %q does not say %q", ue.Message, tt.message)
			}
			if !strings.HasPrefix(ue.Usage, "/inbox ") {
				t.Errorf("usage %q is not a usage line", ue.Usage)
			}
		})
	}
}

func TestParse_LongInputIsQuotedShort(t *testing.T) {
	long := strings.Repeat("x", 20000)
	for _, text := range []string{
		long, "help " + long, "claim " + long, "claim 1 " + long, "assign " + long + " @lee", "list " + long,
		"list tag:a tag:" + long, "view save " + long + ": mine", "rules " + long, "rules show " + long,
		"notify " + long, "notify on " + long, "team " + long, "list status:" + long,
	} {
		_, err := Parse(text)
		var ue *UsageError
		if !asUsage(err, &ue) {
			t.Fatalf("Parse(%.20q…) = %v, want a *UsageError", text, err)
		}
		if len(ue.Message) > 200 || !strings.Contains(ue.Message, "xxx…") {
			t.Errorf("Parse(%.20q…): message of %d bytes does not quote the input cut short: %.100q", text, len(ue.Message), ue.Message)
		}
	}
	if got := clip(strings.Repeat("é", echoLimit)); got != strings.Repeat("é", echoLimit) {
		t.Errorf("clip cut text of exactly the limit: %q", got)
	}
}

func TestQuery_StringParsesBackToTheSameQuery(t *testing.T) {
	for _, text := range []string{"mine tag:vip", "all @dana status:closed channel:sms", "following", "team tag:x channel:email status:open"} {
		q, err := parseQuery("list", strings.Fields(text))
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseQuery("list", strings.Fields(q.String()))
		if err != nil || again != q {
			t.Fatalf("%q -> %q -> %+v, %v", text, q.String(), again, err)
		}
	}
}

func asUsage(err error, ue **UsageError) bool {
	u, ok := err.(*UsageError)
	*ue = u
	return ok
}

func TestParse_FarFetchedWordsGetNoSuggestion(t *testing.T) {
	for _, word := range []string{"bogus", "frobnicate", "xyz"} {
		if _, err := Parse(word); err == nil || strings.Contains(err.Error(), "Did you mean") {
			t.Errorf("Parse(%q) = %v; want an error without a suggestion", word, err)
		}
	}
}

// TestParse_NULAndInvalidUTF8AreRefused: a NUL in a filter or a name
// reached the database and came back as a 500; it is bad input on every
// surface.
func TestParse_NULAndInvalidUTF8AreRefused(t *testing.T) {
	for _, text := range []string{"list tag:a\x00b", "list @\x00", "view save v\x00 tag:x", "list tag:\xff"} {
		_, err := Parse(text)
		var u *UsageError
		if !errors.As(err, &u) || !strings.Contains(u.Message, "NUL character or invalid UTF-8") {
			t.Errorf("Parse(%q) = %v, want a usage error", text, err)
		}
	}
}
