package slack_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/bot/surfacetest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

func TestSlack_SurfaceContract(t *testing.T) {
	surfacetest.Run(t, func(t *testing.T, st *store.Store) surfacetest.Driver {
		e := newEnv(t, st, slacktest.New(t), "replica-1")
		e.svc.Webhook = true
		e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformSlack}
		e.fake.AddChannel(help, "help-acme")
		// Real clocks: a failed delivery is retried when its back-off is
		// over, as in production.
		e.cards.Now, e.outbox.Now = nil, nil
		return &slackDriver{e: e}
	})
}

// slackDriver is the surface contract's Driver over the fake Slack.
type slackDriver struct{ e *env }

func (d *slackDriver) Store() *store.Store { return d.e.st }

func (d *slackDriver) Service() *commands.Service { return d.e.svc }

func (d *slackDriver) Join(name string, role inboxbot.Role) inboxbot.Member {
	return d.e.member(name, "U0"+strings.ToUpper(name), role)
}

func (d *slackDriver) Flush() { d.e.flush() }

// mention is any Slack markup that notifies someone.
var mention = regexp.MustCompile(`<(!channel|!here|!everyone|@[UW][A-Z0-9]+)[|>]`)

func (d *slackDriver) Card(id int64) surfacetest.Card {
	var c surfacetest.Card
	for _, m := range d.e.fake.Messages(inbox) {
		if !strings.Contains(string(m.Blocks), `"show:`+strconv.FormatInt(id, 10)+`"`) {
			continue
		}
		c.Posted++
		c.Text = m.Text + "\n" + string(m.Blocks)
		c.Actions = nil
		for _, el := range elements(d.e.t, m.Blocks) {
			verb, _, _ := strings.Cut(el.ActionID, ":")
			c.Actions = append(c.Actions, commands.Action(verb))
		}
		c.Pings = mention.MatchString(m.Text) || mention.MatchString(surfacetest.Strings(m.Blocks))
	}
	return c
}

func (d *slackDriver) Press(as inboxbot.Member, id int64, a commands.Action, target inboxbot.Member) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	card := e.card(id)
	n := len(e.fake.Responses())
	start := time.Now()
	if code := e.click(as.SlackID, find(e.t, card.Blocks, string(a)+":"), target.SlackID); code != 200 {
		e.t.Fatalf("%s answered %d", a, code)
	}
	elapsed := time.Since(start)
	return surfacetest.Answer{Text: e.responseText(e.t, n), Elapsed: elapsed}
}

func (d *slackDriver) Reply(as inboxbot.Member, id int64, text string) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	n := len(e.fake.Modals())
	e.click(as.SlackID, find(e.t, e.card(id).Blocks, "reply:"), "")
	_, v := e.openedModal(n)
	start := time.Now()
	code, body := e.submit(as.SlackID, v, text)
	if code != 200 {
		e.t.Fatalf("the reply form answered %d: %s", code, body)
	}
	return surfacetest.Answer{Text: body, Elapsed: time.Since(start)}
}

func (d *slackDriver) DMs(to inboxbot.Member) []string { return d.e.dms(to.SlackID) }

func (d *slackDriver) Failing(on bool) {
	rate := 0.0
	if on {
		rate = 1
	}
	d.e.fake.Fail(rate, "chat.postMessage", "chat.update", "conversations.open")
	if !on {
		d.e.st.Now = func() time.Time { return time.Now().Add(time.Hour) }
	}
}

func (d *slackDriver) Deadline() time.Duration { return 3 * time.Second }

func (d *slackDriver) Outsider(id int64, a commands.Action) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	el := find(e.t, e.card(id).Blocks, string(a)+":")
	e.seq++
	p, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]any{"id": "U0EVIL", "team_id": "T0EVIL"},
		"team": map[string]any{"id": "T0EVIL"}, "api_app_id": slacktest.AppID, "channel": map[string]any{"id": inbox},
		"response_url": e.fake.ResponseURL(strconv.Itoa(e.seq)), "trigger_id": fmt.Sprintf("trig-%d", e.seq),
		"actions": []any{map[string]any{"type": el.Type, "action_id": el.ActionID, "value": el.Value, "block_id": "b"}}})
	n := len(e.fake.Responses())
	start := time.Now()
	if code, _ := e.post("/slack/interactions", url.Values{"payload": {string(p)}}.Encode(), nil); code != 200 {
		e.t.Fatalf("the outsider's %s answered %d", a, code)
	}
	elapsed := time.Since(start)
	return surfacetest.Answer{Text: e.responseText(e.t, n), Elapsed: elapsed}
}

func (d *slackDriver) Twice(as inboxbot.Member, id int64, a commands.Action, between func()) (surfacetest.Answer, surfacetest.Answer) {
	e := d.e
	e.t.Helper()
	el := find(e.t, e.card(id).Blocks, string(a)+":")
	body := e.clickPayload(as.SlackID, map[string]any{"type": el.Type, "action_id": el.ActionID, "value": el.Value, "block_id": "b"})
	send := func() surfacetest.Answer {
		n := len(e.fake.Responses())
		start := time.Now()
		if code, _ := e.post("/slack/interactions", body, nil); code != 200 {
			e.t.Fatalf("%s answered %d", a, code)
		}
		elapsed := time.Since(start)
		return surfacetest.Answer{Text: e.responseText(e.t, n), Elapsed: elapsed}
	}
	first := send()
	between()
	return first, send()
}

// CustomerWrites writes as a Slack Connect customer in the intake channel,
// text in Slack's wire format.
func (d *slackDriver) CustomerWrites(name, text string, id int64) int64 {
	e := d.e
	e.t.Helper()
	user := "U0C" + strings.ToUpper(name)
	e.fake.SetUser(user, name, map[string]any{"team_id": customerTeam})
	m := e.fake.Write(help, user, wire.Replace(text), d.threadOf(id))
	e.said(m, map[string]any{"user_team": customerTeam})
	return e.threadConv(firstNonEmpty(m.ThreadTS, m.TS)).ID
}

func (d *slackDriver) MemberWrites(as inboxbot.Member, id int64, text string) {
	d.e.said(d.e.fake.Write(help, as.SlackID, wire.Replace(text), d.threadOf(id)), nil)
}

func (d *slackDriver) Thread(id int64) []string {
	var out []string
	for _, m := range d.e.fake.Thread(help, d.threadOf(id)) {
		out = append(out, firstNonEmpty(m.Username, m.User)+": "+m.Text)
	}
	return out
}

func (d *slackDriver) ThreadClosed(id int64) bool {
	return slices.Contains(d.e.fake.Thread(help, d.threadOf(id))[0].Reactions, "white_check_mark")
}

// threadOf is the ts of conversation id's thread; "" for 0.
func (d *slackDriver) threadOf(id int64) string {
	if id == 0 {
		return ""
	}
	c, err := d.e.st.Conversation(bg, id)
	if err != nil || c.Origin == nil {
		d.e.t.Fatalf("#%d came from no thread (%v)", id, err)
	}
	return c.Origin.Thread
}

// wire writes text as Slack sends what a person typed.
var wire = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
