package slack_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestSlack_CloseAndReopenFromTheCard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.member("dana", "U0DANA", inboxbot.RoleManager)
		conv := e.inbound("jane", "Hi, I need a quote")
		e.flush()

		e.click("U0DANA", find(t, e.card(conv.ID).Blocks, "close:"), "")
		e.flush()
		card := e.card(conv.ID)
		if c, _ := st.Conversation(bg, conv.ID); c.Status != inboxbot.StatusClosed {
			t.Fatalf("after Close the conversation is %s", c.Status)
		}
		if card.Updates != 1 || !strings.Contains(string(card.Blocks), "*closed*") {
			t.Fatalf("the card was edited %d times and does not say closed: %s", card.Updates, card.Blocks)
		}
		for _, gone := range []string{"claim:", "assign:", "close:", "reply:"} {
			if has(t, card.Blocks, gone) {
				t.Fatalf("a closed card offers %s: %s", gone, card.Blocks)
			}
		}

		e.click("U0DANA", find(t, card.Blocks, "reopen:"), "")
		e.flush()
		card = e.card(conv.ID)
		if c, _ := st.Conversation(bg, conv.ID); c.Status != inboxbot.StatusOpen {
			t.Fatalf("after Reopen the conversation is %s", c.Status)
		}
		if card.Updates != 2 || !has(t, card.Blocks, "claim:") || has(t, card.Blocks, "reopen:") {
			t.Fatalf("the reopened card (edited %d times): %s", card.Updates, card.Blocks)
		}
	})
}

func TestSlack_ReplyButtonOpensAFormWhoseSubmissionRepliesToTheContact(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.svc.Webhook = true
		e.member("dana", "U0DANA", inboxbot.RoleAgent)
		e.member("lee", "U0LEE", inboxbot.RoleAgent)
		conv := e.inbound("jane", "Hi, I need a quote")
		if r := e.svc.Act(bg, commands.ActionRequest{Platform: inboxbot.PlatformSlack, UserID: "U0DANA",
			ConversationID: conv.ID, Action: commands.ActionClaim}); r.Outcome != commands.OK {
			t.Fatalf("claim: %+v", r)
		}
		e.flush()
		reply := find(t, e.card(conv.ID).Blocks, "reply:")

		// dana presses Reply: a form opens on the click's trigger.
		e.click("U0DANA", reply, "")
		opened, form := e.openedModal(0)
		if opened.TriggerID != fmt.Sprintf("trig-%d", e.seq) || form.Title.Text != fmt.Sprintf("Reply to #%d", conv.ID) {
			t.Fatalf("views.open on %q: %+v", opened.TriggerID, form)
		}
		answers := len(e.fake.Responses())
		code, body := e.submit("U0DANA", form, "Tuesday at 10 works. <b>See you</b> & thanks!")
		if code != http.StatusOK || body != "" {
			t.Fatalf("a good submission should close the form: %d %q", code, body)
		}
		ms := e.messages(conv.ID)
		last := ms[len(ms)-1]
		if last.Direction != inboxbot.DirectionOutbound || last.AuthorName != "dana" ||
			last.Body != "Tuesday at 10 works. <b>See you</b> & thanks!" {
			t.Fatalf("stored reply: %+v", last)
		}
		queued := e.webhookQueue()
		if len(queued) != 1 || queued[0].Notice.Message == nil || queued[0].Notice.Message.ID != last.ID {
			t.Fatalf("webhook queue: %+v", queued)
		}
		if got := e.responseText(t, answers); !strings.HasPrefix(got, "ephemeral: ") || !strings.Contains(got, "on its way") {
			t.Fatalf("confirmation: %q", got)
		}

		// lee, an agent who neither holds nor follows it, gets the form
		// (the card is everyone's) but the submission is refused in it.
		e.click("U0LEE", reply, "")
		_, form = e.openedModal(1)
		code, body = e.submit("U0LEE", form, "I'll take this")
		if errs := formErrors(body); code != http.StatusOK || !strings.Contains(errs["reply"], "can reply") {
			t.Fatalf("refused submission: %d %s", code, body)
		}
		// An empty text is refused in the form as well.
		_, body = e.submit("U0DANA", form, "   ")
		if errs := formErrors(body); !strings.Contains(errs["reply"], "empty") {
			t.Fatalf("empty submission: %s", body)
		}
		if n := len(e.messages(conv.ID)); n != len(ms) {
			t.Fatalf("refused submissions stored %d messages", n-len(ms))
		}
		if n := len(e.fake.Calls("views.open")); n != 2 {
			t.Fatalf("views.open called %d times, want 2", n)
		}
	})
}

func TestSlack_RepliesOffOffersNoReplyButtonAndNoForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, slacktest.New(t), "r1")
		e.member("dana", "U0DANA", inboxbot.RoleManager)
		conv := e.inbound("jane", "Hi")
		e.flush()
		if card := e.card(conv.ID); has(t, card.Blocks, "reply:") || !has(t, card.Blocks, "close:") {
			t.Fatalf("card with replies off: %s", card.Blocks)
		}
		if _, body := e.slash("U0DANA", "dana", fmt.Sprintf("show %d", conv.ID)); strings.Contains(body, "reply:") {
			t.Fatalf("show offers Reply with replies off: %s", body)
		}
		// A Reply button from before replies were turned off opens no
		// form; the clicker is told how to turn replies on.
		answers := len(e.fake.Responses())
		stale := element{Type: "button", ActionID: fmt.Sprintf("reply:%d", conv.ID), Value: fmt.Sprint(conv.ID)}
		e.click("U0DANA", stale, "")
		if got := e.responseText(t, answers); !strings.Contains(got, "INBOXBOT_OUTBOUND_URL") {
			t.Fatalf("stale Reply: %q", got)
		}
		if n := len(e.fake.Calls("views.open")); n != 0 {
			t.Fatalf("views.open called %d times with replies off", n)
		}
	})
}
