package discord

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleConversation is a conversation whose contact tries every trick:
// mentions, a masked link, markdown.
func sampleConversation(id int64) inboxbot.Conversation {
	return inboxbot.Conversation{ID: id, Channel: "sms", Status: inboxbot.StatusOpen,
		Contact: inboxbot.Contact{Name: "@everyone <@&1> [click](https://evil.example)", Email: "jane@example.com",
			LeadSource: "facebook-ad", Tags: []string{"vip", "**bold**"}},
		AssigneeID: 2, AssigneeName: "dana", Followers: []inboxbot.Member{{ID: 3, Name: "lee"}, {ID: 4, Name: "sam_"}},
		Preview: "Hi @here, I need a quote for 20 chairs\n# not a heading", LastMessageAt: time.Unix(0, 0)}
}

// payloads are every kind of message the bot sends, by golden file name.
func payloads() map[string]any {
	conv := sampleConversation(1042)
	unassigned := conv
	unassigned.AssigneeID, unassigned.AssigneeName = 0, ""
	var list []commands.Card
	for i := range 25 {
		c := sampleConversation(int64(1000 + i))
		c.Preview = strings.Repeat("long message ", 30)
		list = append(list, commands.Card{Conversation: c})
	}
	closed := conv
	closed.Status = inboxbot.StatusClosed
	failed := conv
	failed.ReplyFailed = true
	due, missed := time.Date(2026, 12, 3, 10, 15, 0, 0, time.UTC), time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	sla := conv
	sla.SLA = inboxbot.SLA{Policy: "VIP **answers**", FirstResponseDue: &missed, ResolutionDue: &due,
		Breached: []string{inboxbot.TargetFirstResponse}, Escalation: 2}
	breach := inboxbot.NoticeOf(inboxbot.EventSLABreach, sla)
	breach.Target, breach.Due, breach.Policy = inboxbot.TargetFirstResponse, missed, sla.SLA.Policy
	line := breach
	line.Event = inboxbot.EventSLAEscalation
	all := []commands.Action{commands.ActionShow, commands.ActionAssign, commands.ActionUnassign, commands.ActionUnfollow}
	notice := inboxbot.Notice{Event: inboxbot.EventAssigned, ConversationID: 1042, Contact: conv.Contact.Name,
		Channel: "sms", Excerpt: conv.Preview, Actor: "dana"}
	return map[string]any{
		"command":           Command(),
		"card":              cardMessage(conv, true).send(),
		"card_unassigned":   cardMessage(unassigned, true).edit(inboxChannelSample, "1"),
		"list":              reply(renderResponse(commands.Response{Outcome: commands.OK, Ephemeral: true, Title: "Team inbox: more than 25 open conversations", Cards: list})),
		"claimed":           reply(renderResponse(commands.Response{Outcome: commands.OK, Title: "dana claimed #1042", Cards: []commands.Card{{Conversation: conv, Actions: all}}})),
		"refused":           reply(renderResponse(commands.Response{Outcome: commands.Rejected, Ephemeral: true, Error: "#1042 is already assigned to dana.", Usage: "/inbox claim <id>"})),
		"show":              reply(renderResponse(commands.Response{Outcome: commands.OK, Ephemeral: true, Title: "#1042 @everyone", Text: strings.Repeat("Contact: <@&1>\n", 400), Cards: []commands.Card{{Conversation: conv, Actions: all}}})),
		"help":              reply(renderResponse(commands.Response{Outcome: commands.OK, Ephemeral: true, Title: "inboxbot", Text: strings.Repeat("/inbox assign <id> @member\n", 120)})),
		"card_update":       &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: cardMessage(conv, true).data()},
		"followup":          renderResponse(commands.Response{Outcome: commands.OK, Title: "dana claimed #1042"}).webhook(),
		"dm_assigned":       dmMessage(inboxbot.Notification{Notice: notice}, true).send(),
		"card_closed":       cardMessage(closed, true).edit(inboxChannelSample, "1"),
		"card_reply_failed": cardMessage(failed, true).edit(inboxChannelSample, "1"),
		"card_sla":          cardMessage(sla, true).edit(inboxChannelSample, "1"),
		"dm_sla_breach":     dmMessage(inboxbot.Notification{Notice: breach}, true).send(),
		"inbox_sla_line":    nonceSend{dmMessage(inboxbot.Notification{Notice: line}, true).send(), dmNonce(inboxbot.Notification{ID: 7}), true},
		"dm_reply_failed": dmMessage(inboxbot.Notification{Notice: inboxbot.Notice{Event: inboxbot.EventReplyFailed, ConversationID: 1042, Contact: conv.Contact.Name,
			Channel: "sms", Reason: "HTTP 500 <@&1>", Message: &inboxbot.Message{Body: "We can deliver on **Monday**"}}}, true).send(),
		"modal":        replyModal(1042),
		"panel":        panelMessage().send(),
		"contact_form": contactForm(),
		"request":      requestMessage("100000000000000004", "@everyone **urgent** <@&1>", "Hi @here, [click](https://evil.example)\n# help").send(),
		"intake_reply": nonceSend{replyMessages("dana <@&1>", "Fixed **now** @everyone", "100000000000000004")[0].send(), replyNonce("reply:1042", 0), true},
		"thread":       supportThread("@everyone\u202e needs\nhelp"),
		"dm_waiting":   dmMessage(inboxbot.Notification{Notice: inboxbot.Notice{Event: inboxbot.EventWaiting, ConversationID: 7, Contact: "x", Channel: "sms", Waited: time.Hour}}, true).send(),
		"dm_alerts":    digestMessage(bot.DigestText(sampleDigest, sampleDigestAt)).send(),
	}
}

const inboxChannelSample = "100000000000000901"

// sampleDigest is a managers' alert digest as of sampleDigestAt.
var (
	sampleDigestAt = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	sampleDigest   = inboxbot.Digest{After: 15 * time.Minute, Unassigned: 9, Breached: 3, Oldest: []inboxbot.WaitingSince{
		{ID: 1042, Since: sampleDigestAt.Add(-2 * time.Hour)}, {ID: 1050, Since: sampleDigestAt.Add(-40 * time.Minute)},
		{ID: 1061, Since: sampleDigestAt.Add(-16 * time.Minute)}}}
)

// marshal is p as JSON the way a person reads it: <, > and & as they are.
func marshal(t *testing.T, p any, indent string) []byte {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(p); err != nil {
		t.Fatal(err)
	}
	return []byte(b.String())
}

func TestGolden_RenderedPayloads(t *testing.T) {
	for name, p := range payloads() {
		got := marshal(t, p, "  ")
		path := filepath.Join("testdata", name+".json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update ./bot/discord/ to write it)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from %s; if the change is meant, run go test -update ./bot/discord/\n%s", name, path, got)
		}
	}
}

func TestEscape_ContactTextPingsAndLinksNobody(t *testing.T) {
	for _, in := range []string{"@everyone", "@here", "<@&1>", "<@123>", "<#456>", "[click](https://evil)", "**x**", "# heading", "> quote", "||spoiler||", "`code`", "~~gone~~"} {
		got := escape(in)
		for _, bad := range []string{"@everyone", "@here", "<@", "<#", "](", "**", "||", "``", "~~"} {
			if strings.Contains(in, bad) && strings.Contains(got, bad) {
				t.Errorf("escape(%q) = %q still holds %q", in, got, bad)
			}
		}
		if strings.HasPrefix(in, "#") || strings.HasPrefix(in, ">") {
			if !strings.HasPrefix(got, `\`) {
				t.Errorf("escape(%q) = %q: line start not escaped", in, got)
			}
		}
	}
	// Every message, whatever it says, also asks Discord to ping nobody.
	for name, p := range payloads() {
		b := marshal(t, p, "")
		// A modal is a form, not a message: it has no mentions to allow.
		// A thread's name is plain text: Discord parses no mention or
		// markdown in it.
		form := name == "modal" || name == "contact_form" || name == "thread"
		if name != "command" && !form && !strings.Contains(string(b), `"allowed_mentions":{"parse":[]`) {
			t.Errorf("%s: no allowed_mentions with an empty parse list", name)
		}
		if name != "command" && name != "thread" && (strings.Contains(string(b), "@everyone") || strings.Contains(string(b), "<@&1>")) {
			t.Errorf("%s: a raw mention survived: %s", name, b)
		}
	}
}

func TestRender_ListOf25FitsOneMessage(t *testing.T) {
	r := payloads()["list"].(*discordgo.InteractionResponse)
	if n := len(r.Data.Embeds); n != 1 {
		t.Fatalf("%d embeds, want 1", n)
	}
	d := r.Data.Embeds[0].Description
	if length(d) > maxDescription || strings.Count(d, "\n") != 24 {
		t.Fatalf("description of %d characters, %d lines", length(d), strings.Count(d, "\n")+1)
	}
}

func TestCustomID_RoundTrips(t *testing.T) {
	for _, a := range []commands.Action{commands.ActionClaim, commands.ActionAssign} {
		id := customID(a, 9223372036854775807)
		got, n, ok := parseCustomID(id)
		if !ok || got != a || n != 9223372036854775807 || len(id) > maxCustomID {
			t.Errorf("%q: %v %v %v", id, got, n, ok)
		}
	}
	for _, bad := range []string{"", "inbox:", "inbox:claim", "inbox:claim:x", "inbox:claim:-1", "other:claim:1"} {
		if _, _, ok := parseCustomID(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}
