package commands_test

import (
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
)

// movingClock is a clock a test moves forward, safe for concurrent reads.
type movingClock struct{ ns atomic.Int64 }

func (c *movingClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *movingClock) Add(d time.Duration) { c.ns.Add(int64(d)) }

// moveClock gives e a clock that starts at the tests' fixed time and
// moves when the test says.
func (e *env) moveClock() *movingClock {
	c := &movingClock{}
	c.ns.Store(clock().UnixNano())
	e.st.Now, e.svc.Now = c.Now, c.Now
	return c
}

// lastReason is the reason of a conversation's latest assignment event.
func (e *env) lastReason(id int64) string {
	e.t.Helper()
	h, err := e.st.History(ctx, id)
	if err != nil || len(h) == 0 {
		e.t.Fatalf("history of %s: %v", inboxbot.Ref(id), err)
	}
	return h[len(h)-1].Reason
}

func (e *env) team(members []inboxbot.Member, a inboxbot.Assignment) {
	e.t.Helper()
	if err := e.st.ApplyTeam(ctx, members, []inboxbot.Rule{{Name: "sales", Status: inboxbot.RulePublished,
		Trigger: inboxbot.TriggerConversationCreated, Assign: a}}); err != nil {
		e.t.Fatal(err)
	}
}

func TestBackAndClose_DrainTheTeamInboxOldestFirstUpToCapacity(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.moveClock()
		e.team([]inboxbot.Member{{Name: "lee", Capacity: 2}}, inboxbot.Assignment{Method: inboxbot.MethodUser,
			Members: []string{"lee"}, SkipAway: true, RespectCapacity: true})
		e.ok("lee", "away")
		var ids []int64
		for _, who := range []string{"ann", "bob", "cy"} {
			c.Add(time.Minute)
			ids = append(ids, e.inbound(who, "hello").ID)
		}
		c.Add(42 * time.Minute)
		// The answer lists nothing: a DM tells lee of each conversation.
		if r := e.ok("lee", "back"); !strings.Contains(r.Title, "Welcome back") || len(r.Cards) != 0 {
			t.Fatalf("back: %q with %d cards", r.Title, len(r.Cards))
		}
		for i, id := range ids {
			want := "lee"
			if i == 2 {
				want = "" // lee is at capacity: the newest waits
			}
			if got := e.conv(id).AssigneeName; got != want {
				t.Errorf("%s assignee = %q, want %q", inboxbot.Ref(id), got, want)
			}
		}
		if got, want := e.lastReason(ids[0]), "was waiting 44 min; lee came back; the rule assigns lee"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		c.Add(5 * time.Minute)
		e.ok("lee", "close "+inboxbot.Ref(ids[0]))
		if got := e.conv(ids[2]).AssigneeName; got != "lee" {
			t.Fatalf("after a close freed lee, the waiting conversation went to %q", got)
		}
		if got, want := e.lastReason(ids[2]), "was waiting 47 min; lee had room after #1 was closed; the rule assigns lee"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
	})
}

func TestUnassign_PutsItBackForTheSweepAndOffersTheRestToItsHolder(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.moveClock()
		e.team([]inboxbot.Member{{Name: "lee", Capacity: 1}}, inboxbot.Assignment{Method: inboxbot.MethodUser,
			Members: []string{"lee"}, RespectCapacity: true})
		first := e.inbound("ann", "hello")
		c.Add(time.Minute)
		second := e.inbound("bob", "hello")
		if e.conv(first.ID).AssigneeName != "lee" || e.conv(second.ID).Assigned() {
			t.Fatal("setup: lee should hold the first and the second wait")
		}
		e.ok("lee", "unassign "+first.Ref())
		if got := e.conv(second.ID).AssigneeName; got != "lee" {
			t.Errorf("the waiting conversation went to %q, want lee, who had room", got)
		}
		if e.conv(first.ID).Assigned() {
			t.Error("the conversation lee put back came straight back to lee")
		}
	})
}

func TestAway_HandsOverConversationsAsTheirRuleSays(t *testing.T) {
	for _, tc := range []struct {
		whenAway inboxbot.WhenAway
		want     string // who holds lee's conversation after lee goes away
		reason   string
		dms      string
	}{
		{inboxbot.WhenAwayKeep, "lee", "round-robin among lee, sam: 1 of 2", ""},
		{inboxbot.WhenAwayTeam, "", "lee went away; the rule returns their conversations to the Team inbox", "lee:reassigned"},
		{inboxbot.WhenAwayReroute, "sam", "lee went away; round-robin among lee, sam: 2 of 2, skipped lee (passed over)", "lee:reassigned sam:assigned"},
	} {
		t.Run(string(tc.whenAway), func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				e.team([]inboxbot.Member{{Name: "lee"}, {Name: "sam"}}, inboxbot.Assignment{Method: inboxbot.MethodRoundRobin,
					Members: []string{"lee", "sam"}, SkipAway: true, WhenAway: tc.whenAway})
				held, other := e.inbound("ann", "hello"), e.inbound("bob", "hello")
				unrouted, err := e.st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
					Contact: inboxbot.Contact{ExternalID: "cy"}}, nil)
				if err != nil {
					t.Fatal(err)
				}
				byHand := unrouted.Conversation
				e.ok("lee", "claim "+byHand.Ref()) // lee's by hand: no rule hands it over
				e.outbox()
				r := e.ok("lee", "away")
				if got := e.conv(held.ID).AssigneeName; got != tc.want {
					t.Fatalf("lee's conversation is with %q, want %q (%s)", got, tc.want, r.Text)
				}
				if got := e.lastReason(held.ID); got != tc.reason {
					t.Errorf("reason = %q, want %q", got, tc.reason)
				}
				dms := e.outbox()
				slices.Sort(dms)
				if got := strings.Join(dms, " "); got != tc.dms {
					t.Errorf("DMs = %q, want %q", got, tc.dms)
				}
				if got := e.conv(other.ID).AssigneeName; got != "sam" {
					t.Errorf("sam's conversation went to %q", got)
				}
				if got := e.conv(byHand.ID).AssigneeName; got != "lee" {
					t.Errorf("the conversation lee claimed by hand went to %q", got)
				}
			})
		})
	}
}

func TestRulesShowAndTest_ExplainWhenAwayAndReassignAfter(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.moveClock()
		e.team([]inboxbot.Member{{Name: "lee"}}, inboxbot.Assignment{Method: inboxbot.MethodUser, Members: []string{"lee"},
			SkipAway: true, WhenAway: inboxbot.WhenAwayReroute, ReassignAfter: 15 * time.Minute})
		show := e.ok("lee", "rules show 1").Text
		for _, want := range []string{"When away (reroute): an assignee who goes away gives this rule's conversations to its next eligible member.",
			"Reassign after 15m: an assignee who neither replies"} {
			if !strings.Contains(show, want) {
				t.Errorf("rules show lacks %q:\n%s", want, show)
			}
		}
		held := e.inbound("ann", "hello")
		c.Add(5 * time.Minute)
		if got := e.ok("lee", "rules test "+held.Ref()).Text; !strings.Contains(got, "Unless lee replies to the contact or claims it by hand within 10 min (by Wed 16:15 UTC), it moves to the next eligible member of rule 1.") {
			t.Errorf("rules test of a held conversation:\n%s", got)
		}
		e.ok("lee", "away")
		waiting := e.inbound("bob", "hello")
		c.Add(42 * time.Minute)
		if got := e.ok("lee", "rules test "+waiting.Ref()).Text; !strings.Contains(got, "#2 has waited 42 min in the Team inbox.") {
			t.Errorf("rules test of a waiting conversation:\n%s", got)
		}
	})
}

func TestReassignAfter_MovesUnansweredConversationsThenAlerts(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.moveClock()
		e.svc.Webhook = true
		members := []inboxbot.Member{{Name: "boss", Role: inboxbot.RoleManager}, {Name: "dana"}, {Name: "lee"}}
		e.team(members, inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"dana", "lee"},
			ReassignAfter: 15 * time.Minute})
		answered, unanswered := e.inbound("ann", "hello"), e.inbound("bob", "hello")
		if e.conv(answered.ID).AssigneeName != "dana" || e.conv(unanswered.ID).AssigneeName != "lee" {
			t.Fatal("setup: round-robin should give the first to dana and the second to lee")
		}
		c.Add(10 * time.Minute)
		e.ok("dana", "reply "+answered.Ref()+" On it!")
		e.outbox()
		c.Add(6 * time.Minute)
		moved, err := e.svc.ReassignOverdue(ctx)
		if err != nil || len(moved) != 1 || moved[0].ID != unanswered.ID || moved[0].AssigneeName != "dana" {
			t.Fatalf("after 16 minutes moved %+v, %v; want lee's unanswered one to dana", moved, err)
		}
		if got := e.conv(answered.ID).AssigneeName; got != "dana" {
			t.Errorf("the answered conversation went to %q", got)
		}
		if got, want := e.lastReason(unanswered.ID), "lee did not answer within 15 min; round-robin among dana, lee: 1 of 2, skipped lee (passed over)"; got != want {
			t.Errorf("reason = %q, want %q", got, want)
		}
		dms := e.outbox()
		slices.Sort(dms)
		if got := strings.Join(dms, " "); got != "dana:assigned lee:reassigned" {
			t.Errorf("DMs = %q", got)
		}
		c.Add(15 * time.Minute)
		if moved, err = e.svc.ReassignOverdue(ctx); err != nil || len(moved) != 1 || moved[0].Assigned() {
			t.Fatalf("after the last member moved %+v, %v; want it back in the Team inbox", moved, err)
		}
		dms = e.outbox()
		slices.Sort(dms)
		if got := strings.Join(dms, " "); got != "boss:alerts dana:reassigned" {
			t.Errorf("DMs = %q, want the last holder told and the manager alerted", got)
		}
		// It waits for a person now: the sweep leaves it alone.
		if res, err := e.svc.SweepFor(ctx, inboxbot.DrainCursor{}, time.Minute, 0); err != nil || res.Placed != 0 {
			t.Fatalf("the sweep placed %d given-up conversations: %v", res.Placed, err)
		}
		e.ok("lee", "claim "+unanswered.Ref())
		c.Add(time.Hour)
		if moved, _ := e.svc.ReassignOverdue(ctx); len(moved) != 0 {
			t.Errorf("a conversation claimed by hand moved on: %+v", moved)
		}
	})
}
