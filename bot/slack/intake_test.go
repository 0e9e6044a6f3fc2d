package slack_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// customer is a Slack Connect customer: a user of another workspace.
const (
	customer     = "U0CUST"
	customerTeam = "T0ACME"
)

// said delivers the message event of m, as Slack does for a message a
// person wrote; extra overrides fields.
func (e *env) said(m slacktest.Message, extra map[string]any) {
	e.t.Helper()
	ev := map[string]any{"type": "message", "channel": m.Channel, "user": m.User, "text": m.Text, "ts": m.TS,
		"channel_type": "channel"}
	if m.ThreadTS != "" {
		ev["thread_ts"] = m.ThreadTS
	}
	if m.User == customer {
		ev["user_team"] = customerTeam
	}
	for k, v := range extra {
		ev[k] = v
	}
	e.event(ev)
}

// intakeEnv is an env with lee (a member), a Slack Connect customer and
// the intake channel #help-acme.
func intakeEnv(t *testing.T, st *store.Store) *env {
	e := newEnv(t, st, slacktest.New(t), "r1")
	e.svc.Chats = []inboxbot.Platform{inboxbot.PlatformSlack}
	e.member("lee", "U0LEE", inboxbot.RoleAgent)
	e.fake.SetUser(customer, "<!channel> Jane", map[string]any{"team_id": customerTeam})
	e.fake.AddChannel(help, "help-acme")
	return e
}

func (e *env) threadConv(ts string) inboxbot.Conversation {
	e.t.Helper()
	c, err := e.st.ConversationByOrigin(bg, inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: help, Thread: ts})
	if err != nil {
		e.t.Fatalf("conversation of thread %s: %v", ts, err)
	}
	return c
}

func TestSlackIntake_CustomerThreadIsAConversationAnsweredInIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := intakeEnv(t, st)
		first := e.fake.Write(help, customer, "My invoice is wrong &lt;!here&gt; *urgent*", "")
		e.said(first, nil)
		// Redelivered: a retry of the event and a second delivery (another
		// event id, as two replicas or a retry after a timeout see it).
		retry, _ := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T0TEAM", "event_id": "Ev1",
			"event": map[string]any{"type": "message", "channel": help, "user": customer, "user_team": customerTeam,
				"text": first.Text, "ts": first.TS}})
		h := sign(string(retry), e.now.Unix())
		h.Set("X-Slack-Retry-Num", "1")
		h.Set("X-Slack-Retry-Reason", "http_timeout")
		if code, _ := e.post("/slack/events", string(retry), h); code != 200 {
			t.Fatalf("retry answered %d", code)
		}
		e.a.Wait()
		e.said(first, nil)

		conv := e.threadConv(first.TS)
		if conv.Channel != "slack" || conv.Contact.ExternalID != "slack:"+customerTeam+":"+customer ||
			conv.Contact.Custom["intake_channel"] != "help-acme" || conv.Contact.Custom["intake_channel_id"] != help ||
			conv.Origin.URL == "" {
			t.Fatalf("conversation %+v (contact %+v, origin %+v)", conv, conv.Contact, conv.Origin)
		}
		if ms := e.messages(conv.ID); len(ms) != 1 || ms[0].Body != "My invoice is wrong <!here> *urgent*" {
			t.Fatalf("messages after three deliveries: %+v", ms)
		}

		// The card appears in the inbox, links to the thread, and shows the
		// customer's name and words inert.
		e.flush()
		card := e.card(conv.ID)
		blocks := string(card.Blocks)
		if !strings.Contains(blocks, conv.Origin.URL+"|Open the customer's Slack thread") {
			t.Errorf("card does not link to the thread: %s", blocks)
		}
		if strings.Contains(blocks, `\u003c!channel`) || strings.Contains(blocks, `\u003c!here`) || !strings.Contains(blocks, "Reply") {
			t.Errorf("customer text is markup on the card, or it offers no Reply: %s", blocks)
		}

		// The customer's follow-ups join it, whatever they type; a new
		// top-level message is a conversation of its own.
		follow := e.fake.Write(help, customer, "/inbox close "+strconv.FormatInt(conv.ID, 10), first.TS)
		e.said(follow, nil)
		second := e.fake.Write(help, customer, "Another question", "")
		e.said(second, nil)
		if ms := e.messages(conv.ID); len(ms) != 2 || ms[1].Direction != inboxbot.DirectionInbound {
			t.Fatalf("follow-up: %+v", ms)
		}
		if c := e.threadConv(second.TS); c.ID == conv.ID {
			t.Fatalf("a second top-level message joined #%d", conv.ID)
		}
		if c, _ := st.Conversation(bg, conv.ID); c.Status != inboxbot.StatusOpen {
			t.Fatalf("a customer's words acted as a command: %s", c.Status)
		}

		// Nothing opens from bots, the bot's own posts, edits, deletions,
		// or a member's top-level post.
		convs := func() int {
			cs, err := st.List(bg, inboxbot.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return len(cs)
		}
		before := convs()
		e.said(slacktest.Message{Channel: help, TS: "1700000900.000001", Text: "beep"}, map[string]any{"subtype": "bot_message", "bot_id": "B0OTHER", "user": nil})
		e.said(slacktest.Message{Channel: help, TS: "1700000900.000002", Text: "mine", User: slacktest.BotUserID}, map[string]any{"bot_id": slacktest.BotID})
		e.said(slacktest.Message{Channel: help, TS: "1700000900.000003"}, map[string]any{"subtype": "message_changed", "user": nil,
			"message": map[string]any{"type": "message", "user": customer, "text": "edited", "ts": "1700000900.000003"}})
		e.said(slacktest.Message{Channel: help, TS: "1700000900.000004"}, map[string]any{"subtype": "message_deleted", "user": nil,
			"deleted_ts": first.TS})
		e.said(e.fake.Write(help, "U0LEE", "Office closed Friday", ""), nil)
		if n := convs(); n != before {
			t.Fatalf("%d conversations opened by bots, edits, deletions or a member", n-before)
		}
		if ms := e.messages(conv.ID); len(ms) != 2 {
			t.Fatalf("an edit or deletion changed the stored messages: %+v", ms)
		}

		// lee answers in the thread: recorded as a reply, never posted again.
		posted := len(e.fake.Thread(help, first.TS))
		answer := e.fake.Write(help, "U0LEE", "Looking into it", first.TS)
		e.said(answer, nil)
		e.said(answer, nil)
		e.flush()
		ms := e.messages(conv.ID)
		if len(ms) != 3 || ms[2].Direction != inboxbot.DirectionOutbound || ms[2].AuthorName != "lee" || ms[2].Delivery != inboxbot.DeliverySent {
			t.Fatalf("member's message in the thread: %+v", ms)
		}
		if n := len(e.fake.Thread(help, first.TS)); n != posted+1 {
			t.Fatalf("thread grew by %d for one message typed in it", n-posted)
		}

		// /inbox reply posts in the thread under lee's name.
		e.slash("U0LEE", "lee", fmt.Sprintf("reply %d Fixed & credited <!channel>", conv.ID))
		e.flush()
		thread := e.fake.Thread(help, first.TS)
		last := thread[len(thread)-1]
		if last.Username != "lee" || last.ThreadTS != first.TS || last.Text != "Fixed &amp; credited @channel" {
			t.Fatalf("reply in the thread: %+v", last)
		}

		// Closing marks the first message; reopening takes the mark off.
		e.slash("U0LEE", "lee", fmt.Sprintf("close %d", conv.ID))
		e.flush()
		if r := e.fake.Thread(help, first.TS)[0].Reactions; !slices.Equal(r, []string{"white_check_mark"}) {
			t.Fatalf("after close the first message has %v", r)
		}
		e.slash("U0LEE", "lee", fmt.Sprintf("reopen %d", conv.ID))
		e.flush()
		if r := e.fake.Thread(help, first.TS)[0].Reactions; len(r) != 0 {
			t.Fatalf("after reopen the first message has %v", r)
		}
	})
}

// shortcut runs the inbox_send shortcut on m as user.
func (e *env) shortcut(user string, m slacktest.Message) int {
	e.t.Helper()
	e.seq++
	msg := map[string]any{"type": "message", "ts": m.TS, "text": m.Text}
	if m.User != "" {
		msg["user"] = m.User
	} else {
		msg["bot_id"] = "B0OTHER"
	}
	if m.ThreadTS != "" {
		msg["thread_ts"] = m.ThreadTS
	}
	p, _ := json.Marshal(map[string]any{"type": "message_action", "callback_id": "inbox_send", "user": map[string]any{"id": user},
		"channel": map[string]any{"id": m.Channel}, "team": map[string]any{"id": "T0TEAM"}, "message": msg,
		"response_url": e.fake.ResponseURL(strconv.Itoa(e.seq)), "trigger_id": fmt.Sprintf("trig-%d", e.seq)})
	code, _ := e.post("/slack/interactions", url.Values{"payload": {string(p)}}.Encode(), nil)
	e.a.Wait()
	return code
}

func TestSlackIntake_ShortcutAndTicketTurnAnyMessageIntoAConversation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := intakeEnv(t, st)
		e.fake.AddUser("U0SAM", "sam") // of our workspace, not a member
		origin := func(ch, ts string) inboxbot.Conversation {
			c, err := st.ConversationByOrigin(bg, inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: ch, Thread: ts})
			if err != nil {
				t.Fatalf("no conversation from %s/%s: %v", ch, ts, err)
			}
			return c
		}

		// The shortcut on a customer's message in any channel.
		m := e.fake.Write("C0SALES", customer, "Can I get a quote?", "")
		e.shortcut("U0LEE", m)
		c := origin("C0SALES", m.TS)
		if c.Contact.ExternalID != "slack:"+customerTeam+":"+customer {
			t.Fatalf("contact %q, want the message's author", c.Contact.ExternalID)
		}
		thread := e.fake.Thread("C0SALES", m.TS)
		if len(thread) != 2 || !strings.Contains(thread[1].Text, c.Ref()) {
			t.Fatalf("thread note: %+v", thread)
		}
		e.shortcut("U0LEE", m) // again: the same conversation, said so
		if thread := e.fake.Thread("C0SALES", m.TS); len(thread) != 3 || !strings.Contains(thread[2].Text, "already in the inbox as "+c.Ref()) {
			t.Fatalf("second shortcut: %+v", thread)
		}

		// A member's own message: an internal request, its contact lee.
		own := e.fake.Write("C0SALES", "U0LEE", "Laptop broken", "")
		e.shortcut("U0LEE", own)
		if c := origin("C0SALES", own.TS); c.Contact.ExternalID != "slack:"+slacktest.TeamID+":U0LEE" {
			t.Fatalf("member's own message: contact %q", c.Contact.ExternalID)
		}

		// In a channel the bot is not in: the answer is ephemeral.
		e.fake.Outside("C0SECRET")
		hidden := e.fake.Write("C0SECRET", "U0SAM", "Help with VPN", "")
		e.shortcut("U0LEE", hidden)
		hc := origin("C0SECRET", hidden.TS)
		if got := e.responseText(t, 0); !strings.Contains(got, "ephemeral: ") || !strings.Contains(got, hc.Ref()) {
			t.Fatalf("answer outside the channel: %q", got)
		}

		// A bot's message is refused and opens nothing.
		e.shortcut("U0LEE", slacktest.Message{Channel: "C0SALES", TS: "1700000950.000001", Text: "deploy done"})
		if got := e.responseText(t, 1); !strings.Contains(got, "written by a bot") {
			t.Fatalf("bot message: %q", got)
		}

		// :ticket: on a message in a thread, by a teammate.
		reply := e.fake.Write("C0SALES", "U0SAM", "Also my mouse", own.TS)
		e.event(map[string]any{"type": "reaction_added", "user": "U0LEE", "reaction": "ticket",
			"item": map[string]any{"type": "message", "channel": "C0SALES", "ts": reply.TS}, "item_user": "U0SAM"})
		tc := origin("C0SALES", own.TS) // the thread's conversation
		if ms := e.messages(tc.ID); len(ms) != 2 || ms[1].Body != "Also my mouse" {
			t.Fatalf(":ticket: on a thread reply: %+v", ms)
		}
		// Another reaction, or :ticket: by someone of another workspace, does nothing.
		top := e.fake.Write("C0SALES", "U0SAM", "Printer jammed", "")
		e.event(map[string]any{"type": "reaction_added", "user": "U0LEE", "reaction": "eyes",
			"item": map[string]any{"type": "message", "channel": "C0SALES", "ts": top.TS}})
		e.event(map[string]any{"type": "reaction_added", "user": customer, "reaction": "ticket",
			"item": map[string]any{"type": "message", "channel": "C0SALES", "ts": top.TS}})
		if _, err := st.ConversationByOrigin(bg, inboxbot.Origin{Platform: inboxbot.PlatformSlack, Channel: "C0SALES", Thread: top.TS}); err == nil {
			t.Fatalf("a conversation opened from another reaction or another workspace's :ticket:")
		}
		e.event(map[string]any{"type": "reaction_added", "user": "U0LEE", "reaction": "ticket",
			"item": map[string]any{"type": "message", "channel": "C0SALES", "ts": top.TS}})
		if c := origin("C0SALES", top.TS); c.Contact.ExternalID != "slack:"+slacktest.TeamID+":U0SAM" {
			t.Fatalf(":ticket: contact %q", c.Contact.ExternalID)
		}
	})
}
