package slack

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// members names the users the tests' team has.
func members(id string) string {
	return map[string]string{"U0LEE": "lee", "W0DANA": "dana"}[id]
}

func TestPlainText_SlackWireFormatReadsAsTyped(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"cost &lt; 5 &amp; more &gt; less", "cost < 5 & more > less"},
		{"&amp;lt; stays as typed", "&lt; stays as typed"},
		{"see <https://example.com/a?b=1&amp;c=2|the quote>", "see the quote (https://example.com/a?b=1&c=2)"},
		{"see <https://example.com/q>", "see https://example.com/q"},
		{"at <http://example.com|example.com>", "at example.com"},
		{"mail <mailto:jane@example.com|jane@example.com>", "mail jane@example.com"},
		{"mail <mailto:jane@example.com>", "mail jane@example.com"},
		{"mail <mailto:jane@example.com|Jane>", "mail Jane (jane@example.com)"},
		{"ask <@U0LEE> or <@W0DANA|dana.s>", "ask lee or dana"},
		{"not a member: <@U0GONE|ghost> and <@U0GONE>", "not a member: ghost and someone"},
		{"in <#C0SALES|sales> and <#C0X>", "in #sales and #channel"},
		{"<!here> <!channel> <!everyone>", "@here @channel @everyone"},
		{"<!subteam^S0ENG|@engineers> and <!subteam^S0ENG>", "@engineers and @subteam"},
		{"<!date^1392734382^{date_num}|Feb 18, 2014>", "Feb 18, 2014"},
		{"a < b without its end", "a < b without its end"},
		{"unclosed <https://x.io and &lt;", "unclosed <https://x.io and <"},
		{"", ""},
		{"line\nbreaks\tand  spaces", "line\nbreaks\tand  spaces"},
		{"<>", ""},
	} {
		if got := plainText(tc.in, members); got != tc.want {
			t.Errorf("plainText(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"cost &lt; 5", "<https://x.io|x>", "<@U0LEE>", "<#C1|c>", "<!here>", "<mailto:a@b|a@b>",
		"<<>>", "<@|>", "&amp;&amp;", "<!subteam^S1>", "a<b>c<d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var asked []string
		out := plainText(in, func(id string) string { asked = append(asked, id); return members(id) })
		if utf8.ValidString(in) && !utf8.ValidString(out) {
			t.Fatalf("%q became invalid UTF-8: %q", in, out)
		}
		if !strings.ContainsAny(in, "<&") && out != in {
			t.Fatalf("%q has no markup but became %q", in, out)
		}
		// A user id reaches the output only as a member's name.
		for _, id := range asked {
			if id != "" && strings.Contains(out, "<@"+id) {
				t.Fatalf("%q kept the mention of %s: %q", in, id, out)
			}
		}
		// The longest stand-in, "#channel" for "<#>", is under three times its markup.
		if len(out) > 3*len(in) {
			t.Fatalf("%q grew to %q", in, out)
		}
	})
}
