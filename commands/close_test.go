package commands_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

func TestClose_AssigneeManagersAndAnyoneForUnassigned(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("dana", inboxbot.RoleManager)
		e.member("lee", inboxbot.RoleAgent)
		e.member("sam", inboxbot.RoleAgent)
		mine := e.inbound("jane", "quote please")
		e.ok("lee", fmt.Sprintf("claim %d", mine.ID))
		e.rejected("sam", fmt.Sprintf("close %d", mine.ID), "#1 is assigned to lee. Only managers and admins can close someone else's conversation; you are an agent.")
		r := e.ok("lee", fmt.Sprintf("close #%d", mine.ID))
		if r.Ephemeral || r.Title != "lee closed #1 (jane)" || len(r.Updated) != 1 || actions(r.Cards[0]) != "show,reopen,follow" {
			t.Fatalf("close = %+v", r)
		}
		if r := e.ok("lee", "close 1"); !strings.Contains(r.Title, "already closed") {
			t.Errorf("closing twice: %q", r.Title)
		}
		if r := e.ok("lee", "list mine"); len(r.Cards) != 0 {
			t.Errorf("a closed conversation stays in the personal inbox: %s", refs(r))
		}
		if r := e.ok("lee", "list mine status:closed"); refs(r) != "#1" {
			t.Errorf("status:closed = %q", refs(r))
		}
		open := e.inbound("kim", "hello")
		e.ok("sam", fmt.Sprintf("close %d", open.ID)) // anyone may close an unassigned one
		if r := e.ok("sam", "list team"); len(r.Cards) != 0 {
			t.Errorf("a closed conversation stays in the Team inbox: %s", refs(r))
		}
		e.rejected("sam", "reopen 1", "Only managers and admins can reopen")
		if r := e.ok("dana", "reopen 1"); r.Title != "dana reopened #1 (jane)" || r.Cards[0].Conversation.AssigneeName != "lee" {
			t.Fatalf("reopen = %+v", r)
		}
		show := e.ok("lee", "show 1").Text
		for _, want := range []string{"closed by lee via shell: closed by hand", "reopened by dana via shell: reopened by hand"} {
			if !strings.Contains(show, want) {
				t.Errorf("history does not say %q:\n%s", want, show)
			}
		}
		e.rejected("lee", "close", "Which conversation?")
		e.rejected("lee", "close 99", "#99")
	})
}

// TestReopen_NewMessageOnAClosedConversation: the contact writes again on
// a closed conversation. It is reopened, not opened anew, and stays with
// its holder only when they are available.
func TestReopen_NewMessageOnAClosedConversation(t *testing.T) {
	for _, tt := range []struct {
		name     string
		lee      func(e *env, lee inboxbot.Member)
		assignee string
		dms      []string
	}{
		{"available holder keeps it", func(*env, inboxbot.Member) {}, "lee", []string{"lee:following"}},
		{"away holder: Team inbox", func(e *env, lee inboxbot.Member) {
			if err := e.st.SetAway(ctx, lee.ID, true); err != nil {
				e.t.Fatal(err)
			}
		}, "", []string{"lee:reassigned"}},
		{"off hours: Team inbox", func(e *env, lee inboxbot.Member) {
			lee.Hours = map[string]string{"mon-fri": "09:00-10:00"}
			if _, err := e.st.UpsertMember(ctx, lee); err != nil {
				e.t.Fatal(err)
			}
		}, "", []string{"lee:reassigned"}},
		{"at capacity: Team inbox", func(e *env, lee inboxbot.Member) {
			lee.Capacity = 1
			if _, err := e.st.UpsertMember(ctx, lee); err != nil {
				e.t.Fatal(err)
			}
			other := e.inbound("kim", "another")
			e.ok("lee", fmt.Sprintf("claim %d", other.ID))
		}, "", []string{"lee:reassigned"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				lee := e.member("lee", inboxbot.RoleAgent)
				c := e.inbound("jane", "first")
				e.ok("lee", fmt.Sprintf("claim %d", c.ID))
				e.ok("lee", fmt.Sprintf("close %d", c.ID))
				tt.lee(e, lee)
				e.outbox()
				again := e.inbound("jane", "one more thing")
				if again.ID != c.ID || again.Status != inboxbot.StatusOpen || again.AssigneeName != tt.assignee {
					t.Fatalf("after the new message: #%d %s assigned to %q, want #%d open assigned to %q",
						again.ID, again.Status, again.AssigneeName, c.ID, tt.assignee)
				}
				if got := e.outbox(); !slices.Equal(got, tt.dms) {
					t.Errorf("DMs = %v, want %v", got, tt.dms)
				}
				hist, _ := e.st.History(ctx, c.ID)
				last := hist[len(hist)-1]
				if tt.assignee == "" && (last.ToID != 0 || last.Via != inboxbot.ViaInbound || !strings.Contains(last.Reason, "lee is")) {
					t.Errorf("the move to the Team inbox is recorded as %+v", last)
				}
			})
		})
	}
}

func TestReply_OffUntilAnOutboundWebhookIsSet(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.member("lee", inboxbot.RoleAgent)
		c := e.inbound("jane", "hi")
		e.ok("lee", fmt.Sprintf("claim %d", c.ID))
		e.rejected("lee", "reply 1 Hello Jane", "INBOXBOT_OUTBOUND_URL")
		if acts := actions(e.ok("lee", "show 1").Cards[0]); strings.Contains(acts, "reply") {
			t.Errorf("a Reply button is offered while replies are off: %s", acts)
		}
	})
}

func TestReply_QueuedForTheWebhookNotesNever(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.svc.Webhook = true
		e.member("lee", inboxbot.RoleAgent)
		e.member("sam", inboxbot.RoleAgent)
		c := e.inbound("jane", "hi")
		e.ok("lee", fmt.Sprintf("claim %d", c.ID))
		e.rejected("sam", "reply 1 I can help", "Follow it first to reply")
		e.rejected("lee", "reply 1", "What should the contact read?")
		body := "Hello Jane,\n  20 chairs: 1 200 €. ✓"
		r := e.ok("lee", "reply #1 "+body)
		if !r.Ephemeral || !strings.Contains(r.Title, "Reply to jane on #1") || r.Cards[0].Conversation.AssigneeName != "lee" {
			t.Fatalf("reply = %+v", r)
		}
		e.ok("sam", "follow 1")
		e.ok("sam", "reply 1 Also, delivery is free.") // followers may reply
		if r := e.svc.Note(ctx, reqOf(inboxbot.PlatformShell, "sam", ""), 1, "she called too"); r.Outcome != "ok" {
			t.Fatalf("note = %+v", r)
		}
		ns, err := e.st.Lease(ctx, "t", []inboxbot.Platform{inboxbot.PlatformWebhook}, 10, time.Minute)
		if err != nil || len(ns) != 2 {
			t.Fatalf("webhook rows = %d, %v; want the two replies and not the note", len(ns), err)
		}
		m := ns[0].Notice.Message
		if m == nil || m.Body != body || m.AuthorName != "lee" || ns[0].Notice.ContactID != "jane" || ns[0].DedupeKey != fmt.Sprintf("reply:%d", m.ID) {
			t.Fatalf("first webhook row = %+v, %+v", ns[0], m)
		}
		if err := e.st.Sent(ctx, ns[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := e.st.GiveUp(ctx, ns[1].ID, "t", fmt.Errorf("422: unknown contact")); err != nil {
			t.Fatal(err)
		}
		show := e.ok("lee", "show 1").Text
		for _, want := range []string{"jane: hi", "lee to jane: Hello Jane, 20 chairs", "sam to jane (NOT DELIVERED: 422: unknown contact): Also",
			"sam (internal note): she called too"} {
			if !strings.Contains(show, want) {
				t.Errorf("show does not say %q:\n%s", want, show)
			}
		}
		if got := e.outbox(); !slices.Contains(got, "sam:reply_failed") {
			t.Errorf("outbox = %v, want sam told the reply failed", got)
		}
		e.ok("lee", "close 1")
		e.rejected("lee", "reply 1 are you there?", "#1 is closed; reopen it to reply.")
	})
}
