package slack

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// TestRender_AContactCannotFormatOrReorderText: U+202E in customer text
// reached cards and DMs, and a contact named "*CEO*" showed in bold.
func TestRender_AContactCannotFormatOrReorderText(t *testing.T) {
	evil := conversation(67, "*CEO* _urgent_ ~x~ `y`", "pay \u202egpj.exe\u202c now *please*")
	evil.Subject = "\u2066re: *invoice*\u2069"
	evil.Contact.Tags = []string{"~vip~"}
	notice := inboxbot.NoticeOf(inboxbot.EventMessage, evil)
	all := map[string][]byte{}
	for name, v := range map[string]any{
		"card": cardBlocks(evil, commands.CardActions(evil, true)),
		"list": responseMessage(commands.Response{Outcome: commands.OK, Cards: []commands.Card{{Conversation: evil}, {Conversation: evil}}}).Blocks,
		"dm":   dmBlocks(notice, bot.NoticeText(notice, mrkdwnStyle), true),
	} {
		all[name], _ = json.Marshal(v)
	}
	for name, raw := range all {
		var texts []string
		collectMrkdwn(raw, &texts)
		for _, s := range texts {
			if strings.IndexFunc(s, inboxbot.BidiControl) >= 0 {
				t.Errorf("%s: mrkdwn %q keeps a bidi control", name, s)
			}
			for _, mark := range []string{"*CEO*", "_urgent_", "~x~", "`y`", "*please*", "*invoice*", "~vip~"} {
				if strings.Contains(s, mark) {
					t.Errorf("%s: mrkdwn %q would format %s", name, s, mark)
				}
			}
		}
	}
}

func TestEscape_FormattingCharactersInsideWordsStayAsTheyAre(t *testing.T) {
	for in, want := range map[string]string{
		"snake_case and a*b":  "snake_case and a*b",
		"*bold*":              zwj + "*" + zwj + "bold" + zwj + "*" + zwj,
		"a & <b>":             "a &amp; &lt;b&gt;",
		"x\u202ey":            "xy",
		"_":                   zwj + "_" + zwj,
		"dana_":               "dana" + zwj + "_" + zwj,
		"`code`, and ~strike": zwj + "`" + zwj + "code" + zwj + "`" + zwj + ", and " + zwj + "~" + zwj + "strike",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}
