package discord_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// messagesOf returns conversation id's messages in direction dir.
func messagesOf(t *testing.T, st *store.Store, id int64, dir inboxbot.Direction) []inboxbot.Message {
	t.Helper()
	all, err := st.Messages(ctx, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []inboxbot.Message
	for _, m := range all {
		if m.Direction == dir {
			out = append(out, m)
		}
	}
	return out
}

// webhookRows leases the replies queued for the outbound webhook.
func webhookRows(t *testing.T, st *store.Store) []inboxbot.Notification {
	t.Helper()
	ns, err := st.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformWebhook}, 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// valid fails the test when Discord would refuse an interaction answer.
func valid(t *testing.T, resp map[string]any) {
	t.Helper()
	b, _ := json.Marshal(resp)
	if v := discordtest.CheckCallback(b); v != "" {
		t.Fatalf("Discord would refuse the answer: %s\n%s", v, b)
	}
}

func TestHTTPInteractions_CloseAndReopenFromTheCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		conv := e.inbound("jane", "Thanks, that is all")
		e.flush()
		card := cardOf(t, e.fake, conv.ID)
		if !strings.Contains(string(card.Body), `"inbox:close:1"`) {
			t.Fatalf("an open card has no Close: %s", card.Body)
		}

		out := e.do(e.click(user(dana, "Dana"), "inbox:close:1", inboxCh, card.ID))
		got := mustJSON(out)
		if out["type"] != 7.0 || !strings.Contains(got, "Closed") || !strings.Contains(got, `"inbox:reopen:1"`) ||
			strings.Contains(got, `"inbox:claim:1"`) || strings.Contains(got, `"inbox:assign:1"`) {
			t.Fatalf("close click answered %s", got)
		}
		valid(t, out)
		e.flush()
		if c := cardOf(t, e.fake, conv.ID); c.Edits == 0 || !strings.Contains(string(c.Body), `"inbox:reopen:1"`) {
			t.Fatalf("card not edited to closed: %d edits, %s", c.Edits, c.Body)
		}
		if c, _ := st.Conversation(ctx, conv.ID); c.Status != inboxbot.StatusClosed {
			t.Fatalf("status %s after Close", c.Status)
		}

		out = e.do(e.click(user(dana, "Dana"), "inbox:reopen:1", inboxCh, card.ID))
		if got := mustJSON(out); out["type"] != 7.0 || !strings.Contains(got, `"inbox:close:1"`) || strings.Contains(got, "Closed") {
			t.Fatalf("reopen click answered %s", got)
		}
		e.flush()
		if c := cardOf(t, e.fake, conv.ID); !strings.Contains(string(c.Body), `"inbox:claim:1"`) {
			t.Fatalf("card not edited to open: %s", c.Body)
		}
		if v := e.fake.Violations(); len(v) != 0 {
			t.Fatalf("Discord would refuse: %q", v)
		}
	})
}

func TestHTTPInteractions_ReplyButtonOpensAModalWhoseTextGoesToTheContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.svc.Webhook = true
		conv := e.inbound("jane", "When can you deliver?")
		e.flush()
		card := cardOf(t, e.fake, conv.ID)
		e.do(e.click(user(dana, "Dana"), "inbox:claim:1", inboxCh, card.ID))

		out := e.do(e.click(user(dana, "Dana"), "inbox:reply:1", inboxCh, card.ID))
		d, _ := out["data"].(map[string]any)
		if out["type"] != 9.0 || d["custom_id"] != "inbox:reply:1" || !strings.Contains(mustJSON(out), `"style":2`) {
			t.Fatalf("reply click answered %s", mustJSON(out))
		}
		valid(t, out)

		out = e.do(e.submit(user(dana, "Dana"), conv.ID, "  We can deliver on Monday.\nBest, Dana  ", card.ID))
		if text, eph := content(out); out["type"] != 4.0 || !eph || !strings.Contains(text, "on its way") {
			t.Fatalf("submit answered %s", mustJSON(out))
		}
		valid(t, out)
		sent := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound)
		if len(sent) != 1 || sent[0].Body != "We can deliver on Monday.\nBest, Dana" || sent[0].AuthorName != "dana" {
			t.Fatalf("outbound messages: %+v", sent)
		}
		if rows := webhookRows(t, st); len(rows) != 1 || rows[0].Notice.ConversationID != conv.ID {
			t.Fatalf("webhook rows: %+v", rows)
		}

		// /inbox reply takes a sentence, not a word.
		out = e.do(e.slash(user(dana, "Dana"), "reply", intOpt("id", conv.ID),
			map[string]any{"name": "text", "type": 3, "value": "Tuesday works too"}))
		if text, eph := content(out); !eph || !strings.Contains(text, "on its way") {
			t.Fatalf("/inbox reply answered %s", mustJSON(out))
		}
		if sent := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound); len(sent) != 2 || sent[1].Body != "Tuesday works too" {
			t.Fatalf("outbound messages: %+v", sent)
		}
		webhookRows(t, st)

		// lee holds nothing and follows nothing: refused, nothing stored.
		out = e.do(e.submit(user(lee, "Lee"), conv.ID, "Me too", card.ID))
		if text, eph := content(out); out["type"] != 4.0 || !eph || !strings.Contains(text, "Follow it first") {
			t.Fatalf("lee's submit answered %s", mustJSON(out))
		}
		if sent := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound); len(sent) != 2 {
			t.Fatalf("a refused reply was stored: %+v", sent)
		}
		if rows := webhookRows(t, st); len(rows) != 0 {
			t.Fatalf("a refused reply was queued: %+v", rows)
		}
		if v := e.fake.Violations(); len(v) != 0 {
			t.Fatalf("Discord would refuse: %q", v)
		}
	})
}

func TestHTTPInteractions_RepliesOffShowNoReplyButton(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		conv := e.inbound("jane", "hello")
		e.flush()
		card := cardOf(t, e.fake, conv.ID)
		if strings.Contains(string(card.Body), "inbox:reply:") {
			t.Fatalf("a Reply button with replies off: %s", card.Body)
		}
		out := e.do(e.slash(user(dana, "Dana"), "show", intOpt("id", conv.ID)))
		if strings.Contains(mustJSON(out), "inbox:reply:") {
			t.Fatalf("show offers Reply with replies off: %s", mustJSON(out))
		}
		// A Reply button left on an old card says how to turn replies on.
		out = e.do(e.click(user(dana, "Dana"), "inbox:reply:1", inboxCh, card.ID))
		if text, eph := content(out); out["type"] != 4.0 || !eph || !strings.Contains(text, "INBOXBOT\\_OUTBOUND\\_URL") {
			t.Fatalf("reply click with replies off answered %s", mustJSON(out))
		}
		if sent := messagesOf(t, st, conv.ID, inboxbot.DirectionOutbound); len(sent) != 0 {
			t.Fatalf("stored with replies off: %+v", sent)
		}
	})
}
