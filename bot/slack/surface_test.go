package slack_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/bot/surfacetest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestSlack_SurfaceContract(t *testing.T) {
	surfacetest.Run(t, func(t *testing.T) surfacetest.Driver {
		e := newEnv(t, storetest.Open(t, "sqlite"), slacktest.New(t), "replica-1")
		e.svc.Webhook = true
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
