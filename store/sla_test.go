package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// clock is a settable clock for a store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// thirtySeconds is a 30-second first-response policy that warns 10s
// before, and escalates to the managers (and the inbox channel) 20s after
// the breach.
var thirtySeconds = []inboxbot.Policy{{Name: "Fast", FirstResponse: 30 * time.Second, Hours: inboxbot.HoursAlways,
	WarnBefore: 10 * time.Second, Escalate: []inboxbot.Escalation{
		{After: 0, Notify: []string{inboxbot.NotifyAssignee, inboxbot.NotifyFollowers}},
		{After: 20 * time.Second, Notify: []string{inboxbot.NotifyManagers}, Post: inboxbot.PostInbox},
	}}}

// slaSetup applies the policy, makes dana (agent) and mia (manager), and
// opens a conversation assigned to dana.
func slaSetup(t *testing.T, s *store.Store, c *clock) inboxbot.Conversation {
	t.Helper()
	s.Now = c.now
	if err := s.ApplyTeamFile(ctx, nil, nil, thirtySeconds); err != nil {
		t.Fatal(err)
	}
	dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
	mustMember(t, s, "mia", inboxbot.RoleManager)
	conv := inbound(t, s, "ann", "sms", "hello").Conversation
	if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: conv.ID, To: dana.ID, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
		t.Fatal(err)
	}
	outbox(t, s)
	return show(t, s, conv.ID)
}

func show(t testing.TB, s *store.Store, id int64) inboxbot.Conversation {
	t.Helper()
	conv, err := s.Conversation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return conv
}

func tick(t *testing.T, s *store.Store, inbox ...inboxbot.Platform) store.SLATick {
	t.Helper()
	res, err := s.SLATimer(ctx, nil, inbox)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func listSLA(t *testing.T, s *store.Store, which string) []int64 {
	t.Helper()
	cs, err := s.List(ctx, inboxbot.Filter{SLA: which})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func TestSLA_WarnsBreachesEscalatesAndStopsWhenAnswered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
		conv := slaSetup(t, s, c)
		got := show(t, s, conv.ID).SLA
		if got.Policy != "Fast" || got.FirstResponseDue == nil || !got.FirstResponseDue.Equal(c.now().Add(30*time.Second)) {
			t.Fatalf("sla = %+v", got)
		}
		if ids := listSLA(t, s, inboxbot.SLADue); !slices.Equal(ids, []int64{conv.ID}) {
			t.Fatalf("sla:due = %v", ids)
		}
		// Nothing is due yet; the timer knows when the warning is.
		if res := tick(t, s); res.Looked != 0 || !res.Next.Equal(c.now().Add(20*time.Second)) {
			t.Fatalf("early tick looked at %d, next at %v", res.Looked, res.Next)
		}
		c.add(21 * time.Second)
		if res := tick(t, s); res.Warned != 1 || len(res.Breached) != 0 {
			t.Fatalf("warning tick = %+v", res)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"dana:sla"}) {
			t.Fatalf("warning outbox = %v", got)
		}
		if res := tick(t, s); res.Looked != 0 {
			t.Fatalf("the warning came twice: %+v", res)
		}
		c.add(10 * time.Second)
		if res := tick(t, s); !slices.Equal(res.Breached, []string{inboxbot.TargetFirstResponse}) || res.Steps != 1 {
			t.Fatalf("breach tick = %+v", res)
		}
		if got := outbox(t, s); !slices.Equal(got, []string{"dana:sla"}) {
			t.Fatalf("breach outbox = %v", got)
		}
		if ids := listSLA(t, s, inboxbot.SLABreached); !slices.Equal(ids, []int64{conv.ID}) {
			t.Fatalf("sla:breached = %v", ids)
		}
		if b := show(t, s, conv.ID).SLA.Breached; !slices.Equal(b, []string{inboxbot.TargetFirstResponse}) {
			t.Fatalf("breached = %v", b)
		}
		// The managers' step comes 20 seconds after the breach, once.
		c.add(10 * time.Second)
		if res := tick(t, s); res.Steps != 0 {
			t.Fatalf("step too early: %+v", res)
		}
		c.add(10 * time.Second)
		if res := tick(t, s); res.Steps != 1 {
			t.Fatalf("manager step = %+v", res)
		}
		if n := escalation(t, s, conv.ID); n != 2 || show(t, s, conv.ID).SLA.Escalation != 2 {
			t.Fatalf("escalation level = %d, on the conversation %d, want 2", n, show(t, s, conv.ID).SLA.Escalation)
		}
		if d := digest(t, s, c); d.Breached != 1 {
			t.Fatalf("the managers' alert counts %d past their service level, want 1", d.Breached)
		}
		if res := tick(t, s); res.Looked != 0 {
			t.Fatalf("after the last step the timer still looks: %+v", res)
		}
		// An answer ends the breach and the clock.
		if _, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: conv.ID, Direction: inboxbot.DirectionOutbound,
			Author: conv.AssigneeID, Body: "hi"}); err != nil {
			t.Fatal(err)
		}
		got = show(t, s, conv.ID).SLA
		if got.FirstResponseDue != nil || len(got.Breached) != 0 || got.Next() != nil {
			t.Fatalf("after the reply: %+v", got)
		}
		if ids := listSLA(t, s, inboxbot.SLABreached); len(ids) != 0 {
			t.Fatalf("sla:breached after the reply = %v", ids)
		}
		if d := digest(t, s, c); d.Breached != 0 {
			t.Fatalf("the managers' alert still counts %d after the reply", d.Breached)
		}
		c.add(time.Hour)
		if res := tick(t, s); res.Looked != 0 {
			t.Fatalf("an answered conversation still counts: %+v", res)
		}
	})
}

func TestSLA_NotesAreNotRepliesAndReopeningRestarts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
		conv := slaSetup(t, s, c)
		dana := conv.AssigneeID
		if _, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: conv.ID, Direction: inboxbot.DirectionNote, Author: dana, Body: "n"}); err != nil {
			t.Fatal(err)
		}
		if show(t, s, conv.ID).SLA.FirstResponseDue == nil {
			t.Fatal("a note met the first response")
		}
		for _, st := range []inboxbot.Status{inboxbot.StatusClosed, inboxbot.StatusOpen} {
			if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: conv.ID, Status: st, Actor: dana}); err != nil {
				t.Fatal(err)
			}
			c.add(time.Minute)
		}
		got := show(t, s, conv.ID).SLA
		if got.FirstResponseDue == nil || !got.FirstResponseDue.Equal(c.now().Add(-time.Minute+30*time.Second)) {
			t.Fatalf("reopened: %+v", got)
		}
	})
}

// escalation reads the level the managers' digest counts.
func escalation(t *testing.T, s *store.Store, id int64) int {
	t.Helper()
	n, err := s.SLAEscalation(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Two replicas running the timer at once send each warning, breach and
// step once.
func TestSLA_EachStepOnceAcrossReplicas(t *testing.T) {
	url := storetest.URL(t, "postgres")
	var replicas []*store.Store
	for range 2 {
		s, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		replicas = append(replicas, s)
	}
	a, b := replicas[0], replicas[1]
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	slaSetup(t, a, c)
	b.Now = c.now
	for i := range 20 {
		inbound(t, a, "c"+string(rune('a'+i)), "sms", "hi")
	}
	var total store.SLATick
	var mu sync.Mutex
	chats := []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord}
	for _, step := range []time.Duration{21 * time.Second, 10 * time.Second, 20 * time.Second} {
		c.add(step)
		var wg sync.WaitGroup
		for _, st := range []*store.Store{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := st.SLATimer(ctx, nil, chats)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total.Warned += res.Warned
				total.Steps += res.Steps
				total.Breached = append(total.Breached, res.Breached...)
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	// 21 conversations: a warning, a breach, and two steps each.
	if total.Warned != 21 || len(total.Breached) != 21 || total.Steps != 42 {
		t.Fatalf("warned %d, breached %d, steps %d; want 21, 21, 42", total.Warned, len(total.Breached), total.Steps)
	}
	// and the managers' step posts one line per conversation in each
	// platform's inbox channel.
	if lines := inboxLines(t, a); lines[inboxbot.PlatformSlack] != 21 || lines[inboxbot.PlatformDiscord] != 21 || len(lines) != 2 {
		t.Fatalf("inbox lines per platform = %v, want 21 on slack and discord", lines)
	}
}

// inboxLines leases the queued inbox-channel lines and counts them per
// platform.
func inboxLines(t *testing.T, s *store.Store) map[inboxbot.Platform]int {
	t.Helper()
	ns, err := s.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformShell, inboxbot.PlatformSlack, inboxbot.PlatformDiscord}, 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	out := map[inboxbot.Platform]int{}
	for _, n := range ns {
		if n.Notice.Event == inboxbot.EventSLAEscalation {
			if n.MemberID != 0 {
				t.Fatalf("an inbox line addressed to member %d", n.MemberID)
			}
			out[n.Platform]++
		}
	}
	return out
}

// A step with post: inbox queues one line for the inbox channel of each
// chat platform set up (the console's when none), however often the timer
// runs, saying what was missed, when, and who holds the conversation.
func TestSLA_PostInboxQueuesOneLinePerPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		c := &clock{t: start}
		conv := slaSetup(t, s, c)
		chats := []inboxbot.Platform{inboxbot.PlatformSlack, inboxbot.PlatformDiscord}
		c.add(31 * time.Second)
		tick(t, s, chats...)
		if lines := inboxLines(t, s); len(lines) != 0 {
			t.Fatalf("lines before the step: %v", lines)
		}
		c.add(20 * time.Second)
		tick(t, s, chats...)
		tick(t, s, chats...)
		ns, err := s.QueuedAfter(ctx, 0, chats, 100)
		if err != nil {
			t.Fatal(err)
		}
		var lines []inboxbot.Notification
		for _, n := range ns {
			if n.Notice.Event == inboxbot.EventSLAEscalation {
				lines = append(lines, n)
			}
		}
		if len(lines) != 2 || lines[0].Platform == lines[1].Platform {
			t.Fatalf("inbox lines = %+v, want one on slack and one on discord", lines)
		}
		n := lines[0].Notice
		if n.ConversationID != conv.ID || n.Target != inboxbot.TargetFirstResponse || n.Policy != "Fast" ||
			n.Assignee != "dana" || !n.Due.Equal(start.Add(30*time.Second)) {
			t.Fatalf("inbox line = %+v", n)
		}
		// Without a chat platform the console shows it.
		other := inbound(t, s, "bob", "sms", "hi").Conversation
		c.add(51 * time.Second)
		tick(t, s)
		if lines := inboxLines(t, s); lines[inboxbot.PlatformShell] != 1 {
			t.Fatalf("console lines for %s = %v, want 1", other.Ref(), lines)
		}
	})
}

func TestSLA_StepReassignTeamReturnsItToTheTeamInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
		s.Now = c.now
		back := []inboxbot.Policy{{Name: "Back", FirstResponse: 30 * time.Second, Hours: inboxbot.HoursAlways,
			Escalate: []inboxbot.Escalation{{After: 10 * time.Second, Reassign: inboxbot.ReassignTeam}}}}
		if err := s.ApplyTeamFile(ctx, nil, nil, back); err != nil {
			t.Fatal(err)
		}
		dana := mustMember(t, s, "dana", inboxbot.RoleAgent)
		conv := inbound(t, s, "ann", "sms", "hello").Conversation
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: conv.ID, To: dana.ID, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		c.add(31 * time.Second)
		if res := tick(t, s); len(res.Moved) != 0 {
			t.Fatalf("moved at the breach: %+v", res)
		}
		c.add(10 * time.Second)
		if res := tick(t, s); len(res.Moved) != 1 || res.Steps != 1 {
			t.Fatalf("step tick = %+v", res)
		}
		if got := show(t, s, conv.ID); got.Assigned() || len(got.SLA.Breached) != 1 {
			t.Fatalf("after reassign: team: assignee %q, sla %+v", got.AssigneeName, got.SLA)
		}
	})
}

// digest is what the managers' alert message says now.
func digest(t *testing.T, s *store.Store, c *clock) inboxbot.Digest {
	t.Helper()
	d, err := s.Digest(ctx, c.now().Add(-15*time.Minute), 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Under business hours the due times follow whoever holds the
// conversation: every change of hands counts them again from when their
// clocks started, with the new assignee's working hours (the Team inbox:
// always).
func TestSLA_BusinessHoursFollowTheAssignee(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		open := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		c := &clock{t: open}
		s.Now = c.now
		hours := []inboxbot.Policy{{Name: "Office", FirstResponse: time.Hour, NextResponse: 30 * time.Minute,
			Resolution: 8 * time.Hour, Hours: inboxbot.HoursBusiness}}
		if err := s.ApplyTeamFile(ctx, nil, nil, hours); err != nil {
			t.Fatal(err)
		}
		member := func(name, span string) inboxbot.Member {
			m, err := s.UpsertMember(ctx, inboxbot.Member{Name: name, Timezone: "UTC", Capacity: 5,
				Hours: map[string]string{"mon-sun": span}})
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		late, early := member("dana", "14:00-18:00"), member("eve", "09:00-17:00")
		conv := inbound(t, s, "ann", "sms", "hello").Conversation
		at := func(day, hour, min int) time.Time { return time.Date(2026, 12, day, hour, min, 0, 0, time.UTC) }
		want := func(step string, first, next, resolution time.Time) {
			t.Helper()
			got := show(t, s, conv.ID).SLA
			for _, d := range []struct {
				name string
				got  *time.Time
				want time.Time
			}{{"first response", got.FirstResponseDue, first}, {"next response", got.NextResponseDue, next},
				{"resolution", got.ResolutionDue, resolution}} {
				if d.want.IsZero() != (d.got == nil) || d.got != nil && !d.got.Equal(d.want) {
					t.Fatalf("%s: %s due %v, want %v", step, d.name, d.got, d.want)
				}
			}
		}
		want("unassigned", at(3, 11, 0), time.Time{}, at(3, 18, 0))
		change := func(to int64) {
			t.Helper()
			if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: conv.ID, To: to, Actor: early.ID, Via: inboxbot.ViaShell}); err != nil {
				t.Fatal(err)
			}
		}
		change(late.ID)
		want("assigned to dana", at(3, 15, 0), time.Time{}, at(4, 18, 0))
		c.add(10 * time.Minute)
		change(early.ID)
		want("reassigned to eve", at(3, 11, 0), time.Time{}, at(4, 10, 0))
		change(0)
		want("unassigned again", at(3, 11, 0), time.Time{}, at(3, 18, 0))
		if _, _, err := s.Claim(ctx, conv.ID, late.ID, inboxbot.ViaShell); err != nil {
			t.Fatal(err)
		}
		want("claimed by dana", at(3, 15, 0), time.Time{}, at(4, 18, 0))
		// The next response counts from the contact's message.
		c.add(10 * time.Minute)
		if _, _, err := s.AddReply(ctx, inboxbot.Reply{ConversationID: conv.ID, Direction: inboxbot.DirectionOutbound,
			Author: late.ID, Body: "hi"}); err != nil {
			t.Fatal(err)
		}
		c.add(10 * time.Minute)
		inbound(t, s, "ann", "sms", "still there?")
		want("dana, the contact wrote again", time.Time{}, at(3, 14, 30), at(4, 18, 0))
		c.add(10 * time.Minute)
		change(early.ID)
		want("eve, the contact wrote again", time.Time{}, at(3, 11, 0), at(4, 10, 0))
	})
}

// An escalation step that returns a conversation to the Team inbox counts
// its business-hours due times again (always, there), in the timer's own
// save.
func TestSLA_StepReassignCountsBusinessHoursAgain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
		s.Now = c.now
		back := []inboxbot.Policy{{Name: "Back", FirstResponse: 30 * time.Second, Resolution: 8 * time.Hour, Hours: inboxbot.HoursBusiness,
			Escalate: []inboxbot.Escalation{{After: 10 * time.Second, Reassign: inboxbot.ReassignTeam}}}}
		if err := s.ApplyTeamFile(ctx, nil, nil, back); err != nil {
			t.Fatal(err)
		}
		dana, err := s.UpsertMember(ctx, inboxbot.Member{Name: "dana", Timezone: "UTC", Capacity: 5,
			Hours: map[string]string{"mon-sun": "09:00-12:00"}})
		if err != nil {
			t.Fatal(err)
		}
		conv := inbound(t, s, "ann", "sms", "hello").Conversation
		if _, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: conv.ID, To: dana.ID, Actor: dana.ID, Via: inboxbot.ViaShell}); err != nil {
			t.Fatal(err)
		}
		if due := show(t, s, conv.ID).SLA.ResolutionDue; due == nil || !due.Equal(time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)) {
			t.Fatalf("resolution under dana's hours due %v", due)
		}
		c.add(41 * time.Second)
		if res := tick(t, s); len(res.Moved) != 1 || res.Steps != 1 {
			t.Fatalf("step tick = %+v", res)
		}
		got := show(t, s, conv.ID)
		if due := got.SLA.ResolutionDue; got.Assigned() || due == nil || !due.Equal(time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC)) {
			t.Fatalf("in the Team inbox: assignee %q, resolution due %v", got.AssigneeName, due)
		}
	})
}
