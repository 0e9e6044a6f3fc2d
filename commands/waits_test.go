package commands_test

import (
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
		r := e.ok("lee", "back")
		if !strings.Contains(r.Text, "2 waiting conversation(s)") || len(r.Cards) != 2 {
			t.Fatalf("back: %q with %d cards", r.Text, len(r.Cards))
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
