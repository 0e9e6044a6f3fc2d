package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func conversation(id int64, contact, preview string) inboxbot.Conversation {
	return inboxbot.Conversation{ID: id, Channel: "sms", Status: inboxbot.StatusOpen, Preview: preview,
		Contact: inboxbot.Contact{ExternalID: fmt.Sprint("c", id), Name: contact, LeadSource: "facebook-ad", Tags: []string{"vip", "de"}}}
}

func assigned(c inboxbot.Conversation) inboxbot.Conversation {
	c.AssigneeID, c.AssigneeName = 7, "dana"
	c.Followers = []inboxbot.Member{{ID: 8, Name: "lee"}, {ID: 9, Name: "sam"}}
	return c
}

// renderings are every kind of message the adapter sends, by golden name.
func renderings() map[string][]slackapi.Block {
	jane := conversation(1042, "Jane Doe", "Hi, I need a quote for 3 rooms & a hallway.")
	list := commands.Response{Outcome: commands.OK, Ephemeral: true, Title: "Team inbox: more than 25 open conversations",
		Text: "Showing the 25 most recent; narrow it with filters to see others."}
	for i := range 25 {
		c := conversation(int64(2000+i), fmt.Sprintf("Contact %d", i), strings.Repeat("long message ", 40))
		list.Cards = append(list.Cards, commands.Card{Conversation: c, Actions: []commands.Action{
			commands.ActionShow, commands.ActionClaim, commands.ActionAssign, commands.ActionFollow}})
	}
	notice := inboxbot.NoticeOf(inboxbot.EventAssigned, jane)
	notice.Actor = "dana"
	me := inboxbot.Member{ID: 8, Name: "lee", Role: inboxbot.RoleAgent}
	mine := commands.Response{Outcome: commands.OK, Title: "Your inbox: 1 open conversation",
		Cards: []commands.Card{{Conversation: assigned(jane), Actions: []commands.Action{commands.ActionShow,
			commands.ActionAssign, commands.ActionUnassign, commands.ActionReply, commands.ActionClose, commands.ActionUnfollow}}}}
	closed, failed := assigned(jane), assigned(jane)
	closed.Status, failed.ReplyFailed = inboxbot.StatusClosed, true
	reopened := inboxbot.NoticeOf(inboxbot.EventReopened, assigned(jane))
	intake := conversation(1043, "<!channel> Acme buyer", "Order 1042 never arrived")
	intake.Channel = "slack"
	intake.Origin = &inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: "C0HELP", Thread: "1700000000.000100",
		URL: "https://acme.slack.com/archives/C0HELP/p1700000000000100"}
	due, missed := time.Date(2026, 12, 3, 10, 15, 0, 0, time.UTC), time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	sla := assigned(jane)
	sla.SLA = inboxbot.SLA{Policy: "VIP *answers*", FirstResponseDue: &missed, ResolutionDue: &due,
		Breached: []string{inboxbot.TargetFirstResponse}, Escalation: 2}
	breach := inboxbot.NoticeOf(inboxbot.EventSLABreach, sla)
	breach.Target, breach.Due, breach.Policy = inboxbot.TargetFirstResponse, missed, sla.SLA.Policy
	line := breach
	line.Event = inboxbot.EventSLAEscalation
	return map[string][]slackapi.Block{
		"inbox-sla-line":    dmBlocks(line, bot.NoticeText(line, mrkdwnStyle), true),
		"card-unassigned":   cardBlocks(jane, commands.CardActions(jane, true)),
		"card-assigned":     cardBlocks(assigned(jane), commands.CardActions(assigned(jane), true)),
		"card-closed":       cardBlocks(closed, commands.CardActions(closed, true)),
		"card-reply-failed": cardBlocks(failed, commands.CardActions(failed, true)),
		"card-replies-off":  cardBlocks(jane, commands.CardActions(jane, false)),
		"card-intake":       cardBlocks(intake, commands.CardActions(intake, true)),
		"card-sla":          cardBlocks(sla, commands.CardActions(sla, true)),
		"dm-sla-breach":     dmBlocks(breach, bot.NoticeText(breach, mrkdwnStyle), true),
		"list-25":           responseMessage(list).Blocks,
		"dm-assigned":       dmBlocks(notice, bot.NoticeText(notice, mrkdwnStyle), true),
		"dm-reopened":       dmBlocks(reopened, bot.NoticeText(reopened, mrkdwnStyle), true),
		"dm-alerts": digestBlocks(bot.DigestText(inboxbot.Digest{After: 15 * time.Minute, Unassigned: 9, Breached: 3,
			Oldest: []inboxbot.WaitingSince{{ID: 1042, Since: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}}},
			time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC))),
		"home": homeBlocks(commands.Home{Me: me, Mine: mine, Waiting: 3, Oldest: conversation(17, "Old Timer", "still waiting")}),
	}
}

func TestRender_Golden(t *testing.T) {
	for name, blocks := range renderings() {
		t.Run(name, func(t *testing.T) {
			got := indented(t, blocks)
			limit := 50
			if name == "home" {
				limit = 100
			}
			if why := slacktest.CheckBlocks(got, limit); why != "" {
				t.Fatalf("Slack would refuse it: %s", why)
			}
			golden(t, name, got)
		})
	}
}

func TestRender_ReplyModalGolden(t *testing.T) {
	long := replyMeta{ConversationID: 1_000_000_000_042, ResponseURL: "https://hooks.slack.com/actions/T1/1/" + strings.Repeat("x", 4000)}
	for name, m := range map[string]replyMeta{
		"modal-reply": {ConversationID: 1042, ResponseURL: "https://hooks.slack.com/actions/T1/1/abc"},
		"":            long, // not golden: only within limits
	} {
		got := indented(t, replyModal(m))
		if why := slacktest.CheckModal(got); why != "" {
			t.Fatalf("%+v: Slack would refuse it: %s", m, why)
		}
		if name != "" {
			golden(t, name, got)
		}
	}
}

// indented is v as JSON the way golden files hold it.
func indented(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // golden files show & < > as Slack gets them
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// golden compares got with testdata/<name>.json (dashes as underscores), or
// rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", strings.ReplaceAll(name, "-", "_")+".json")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("%s differs from %s; run go test -update and review the diff", name, path)
	}
}

func TestRender_AContactCannotPingAnyone(t *testing.T) {
	evil := conversation(66, "<!channel>", "<https://evil|click> @here & <@U0BOSS>")
	evil.Subject = "<!everyone>"
	evil.Contact.Tags = []string{"<!here>"}
	evil = assigned(evil)
	evil.Followers[0].Name = "<@U0X>"
	notice := inboxbot.NoticeOf(inboxbot.EventMessage, evil)
	resp := commands.Response{Outcome: commands.OK, Title: "<!channel> claimed", Text: "<https://evil|x>",
		Cards: []commands.Card{{Conversation: evil}, {Conversation: evil}}}
	refusal := commands.Response{Outcome: commands.Rejected, Error: "<!channel> is not a member", Usage: "<x>"}
	all := map[string][]slackapi.Block{
		"card":     cardBlocks(evil, commands.CardActions(evil, true)),
		"single":   responseMessage(commands.Response{Outcome: commands.OK, Cards: resp.Cards[:1]}).Blocks,
		"list":     responseMessage(resp).Blocks,
		"refusal":  responseMessage(refusal).Blocks,
		"dm":       dmBlocks(notice, bot.NoticeText(notice, mrkdwnStyle), true),
		"home":     homeBlocks(commands.Home{Me: inboxbot.Member{Name: "x"}, Mine: resp, Waiting: 1, Oldest: evil}),
		"cardText": {section(cardText(evil)), section(responseMessage(resp).Text)},
	}
	for name, blocks := range all {
		raw, _ := json.Marshal(blocks)
		var texts []string
		collectMrkdwn(raw, &texts)
		if len(texts) == 0 {
			t.Fatalf("%s: no mrkdwn found", name)
		}
		for _, s := range texts {
			// Every < people wrote is &lt;: no mention, no link, no ping.
			if strings.Contains(s, "<") {
				t.Errorf("%s: mrkdwn %q could ping or link", name, s)
			}
		}
	}
}

// collectMrkdwn gathers the text of every mrkdwn object in raw JSON.
func collectMrkdwn(raw []byte, out *[]string) {
	var v any
	json.Unmarshal(raw, &v)
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				*out = append(*out, fmt.Sprint(x["text"]))
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
}

func TestRender_LongOutputIsTruncatedWithinLimits(t *testing.T) {
	long := conversation(1, strings.Repeat("N", 5000), strings.Repeat("&", 5000))
	long.Contact.Tags = []string{strings.Repeat("t", 3000)}
	resp := commands.Response{Outcome: commands.OK, Title: strings.Repeat("T", 4000), Text: strings.Repeat("line\n", 4000)}
	for range 60 {
		resp.Cards = append(resp.Cards, commands.Card{Conversation: long, Actions: []commands.Action{commands.ActionShow, commands.ActionClaim}})
	}
	for name, blocks := range map[string][]slackapi.Block{
		"response": responseMessage(resp).Blocks,
		"card":     cardBlocks(long, commands.CardActions(long, true)),
	} {
		raw, _ := json.Marshal(blocks)
		if why := slacktest.CheckBlocks(raw, 50); why != "" {
			t.Errorf("%s: Slack would refuse it: %s", name, why)
		}
		if !strings.Contains(string(raw), "…") {
			t.Errorf("%s: nothing says it was cut", name)
		}
	}
}
