package discord

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// members names the users the tests' team has.
func members(id string) string {
	return map[string]string{"100000000000000002": "lee"}[id]
}

func TestPlainText_DiscordMarkupReadsAsTyped(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ask <@100000000000000002> or <@!100000000000000002>", "ask lee or lee"},
		{"not a member: <@100000000000000077>", "not a member: someone"},
		{"in <#100000000000000901>, ping <@&100000000000000555>", "in #channel, ping @role"},
		{"nice <:party:100000000000000123> <a:spin:100000000000000124>", "nice :party: :spin:"},
		{"at <t:1700000000:F> or <t:1700000000>", "at 2023-11-14 22:13 UTC or 2023-11-14 22:13 UTC"},
		{"use </inbox:100000000000000998>", "use /inbox"},
		{"see <https://example.com/q?a=1&b=2>", "see https://example.com/q?a=1&b=2"},
		{"cost < 5 & more > less", "cost < 5 & more > less"},
		{"html <b>bold</b> and <@dana>", "html <b>bold</b> and <@dana>"},
		{"<<@100000000000000002>>", "<lee>"},
		{"**bold** stays", "**bold** stays"},
		{"", ""},
	} {
		if got := plainText(tc.in, members); got != tc.want {
			t.Errorf("plainText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

var mention = regexp.MustCompile(`<@[!&]?[0-9]+>|<#[0-9]+>`)

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"<@1>", "<@!1>", "<#1>", "<@&1>", "<:a:1>", "<a:b:2>", "<t:1:R>", "</x:1>",
		"<https://x.io>", "a <b> c", "<<>>", "<t:99999999999999999999>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := plainText(in, members)
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("%q became invalid UTF-8: %q", in, out)
		}
		if !strings.Contains(in, "<") && out != in {
			t.Fatalf("%q has no markup but became %q", in, out)
		}
		// A mention left whole would show the contact an internal id.
		if m := mention.FindString(out); m != "" {
			t.Fatalf("%q kept the mention %s: %q", in, m, out)
		}
	})
}
