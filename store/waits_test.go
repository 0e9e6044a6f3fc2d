package store_test

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// fakeClock is a clock tests move by hand, safe to read from many goroutines.
type fakeClock struct{ ns atomic.Int64 }

func newClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Add(d time.Duration) { c.ns.Add(int64(d)) }
func (c *fakeClock) Set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) use(ss ...*store.Store) {
	for _, s := range ss {
		s.Now = c.Now
	}
}
func monday(hour, minute int) time.Time { return time.Date(2026, 11, 23, hour, minute, 0, 0, time.UTC) }
func names(ms []inboxbot.Member) (out []string) {
	for _, m := range ms {
		out = append(out, m.Name)
	}
	return out
}

// waitTeam makes agents with capacity, all away, a manager, and a
// published round-robin rule over the agents that skips away members and
// respects capacity; then a backlog of n conversations nobody took, one a
// minute apart, oldest first. It returns the agents and the backlog's ids.
func waitTeam(t *testing.T, s *store.Store, clock *fakeClock, agents []string, capacity, n int, a inboxbot.Assignment) ([]inboxbot.Member, []int64) {
	t.Helper()
	team := []inboxbot.Member{{Name: "boss", Role: inboxbot.RoleManager}}
	for _, name := range agents {
		team = append(team, inboxbot.Member{Name: name, Capacity: capacity})
	}
	a.Members = agents
	rules := []inboxbot.Rule{{Name: "sales", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated, Assign: a}}
	if err := s.ApplyTeam(ctx, team, rules); err != nil {
		t.Fatal(err)
	}
	var ms []inboxbot.Member
	for _, name := range agents {
		m, err := s.MemberByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetAway(ctx, m.ID, true); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	var ids []int64
	for i := 0; i < n; i++ {
		clock.Add(time.Minute)
		res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hello",
			Contact: inboxbot.Contact{ExternalID: fmt.Sprintf("c%03d", i)}}, routing.Route)
		if err != nil || res.Conversation.Assigned() {
			t.Fatalf("backlog %d: %v, %+v", i, err, res.Decision)
		}
		ids = append(ids, res.Conversation.ID)
	}
	return ms, ids
}

var rrAll = inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, SkipAway: true, WorkingHours: true, RespectCapacity: true}

// holdings returns, per member name, the ids of the open conversations
// they hold, ascending.
func holdings(t *testing.T, s *store.Store, ms []inboxbot.Member) map[string][]int64 {
	t.Helper()
	out := map[string][]int64{}
	for _, m := range ms {
		cs, err := s.List(ctx, inboxbot.Filter{AssigneeID: m.ID, Status: inboxbot.StatusOpen, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			out[m.Name] = append(out[m.Name], c.ID)
		}
		slices.Sort(out[m.Name])
	}
	return out
}

// assignedOnce fails unless each of ids was assigned by at most one event.
func assignedOnce(t *testing.T, s *store.Store, ids []int64) {
	t.Helper()
	for _, id := range ids {
		h, err := s.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range h {
			if e.Kind == inboxbot.KindAssign && e.ToID != 0 {
				n++
			}
		}
		if n > 1 {
			t.Errorf("%s was assigned %d times: %+v", inboxbot.Ref(id), n, h)
		}
	}
}

func back(t *testing.T, s *store.Store, m inboxbot.Member) inboxbot.DrainResult {
	t.Helper()
	if err := s.SetAway(ctx, m.ID, false); err != nil {
		t.Fatal(err)
	}
	res, err := s.Drain(ctx, inboxbot.Drain{Member: m.ID, Cause: m.Name + " came back"}, routing.Route)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestDrain_ReturningMembersFillUpToCapacityOldestFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := newClock(monday(10, 0))
		clock.use(s)
		ms, ids := waitTeam(t, s, clock, []string{"dana", "lee", "sam"}, 10, 100, rrAll)
		clock.Add(42 * time.Minute)
		for i, m := range ms {
			res := back(t, s, m)
			if len(res.Placed) != 10 {
				t.Fatalf("%s came back and got %d conversations, want 10", m.Name, len(res.Placed))
			}
			if got, want := holdings(t, s, ms)[m.Name], ids[i*10:i*10+10]; !slices.Equal(got, want) {
				t.Errorf("%s holds %v, want the oldest waiting %v", m.Name, got, want)
			}
		}
		// At capacity, a sweep gives nobody anything more.
		res, err := s.Drain(ctx, inboxbot.Drain{}, routing.Route)
		if err != nil || len(res.Placed) != 0 || !res.Done || res.Looked != 70 {
			t.Fatalf("sweep at capacity placed %d, looked at %d, done %t: %v", len(res.Placed), res.Looked, res.Done, err)
		}
		assignedOnce(t, s, ids)
		h, _ := s.History(ctx, ids[0])
		last := h[len(h)-1]
		if want := "was waiting 2 h 21 min; dana came back; round-robin among dana, lee, sam: 1 of 3, skipped lee (away), sam (away)"; last.Reason != want {
			t.Errorf("reason = %q, want %q", last.Reason, want)
		}
		n, oldest, err := s.Waiting(ctx)
		if err != nil || n != 70 || !oldest.Equal(monday(10, 31)) {
			t.Errorf("waiting = %d since %v, %v; want 70 since %v", n, oldest, err, monday(10, 31))
		}
	})
}

func TestDrain_TwoReplicasPlaceEachConversationOnceUpToCapacity(t *testing.T) {
	url := storetest.URL(t, "postgres")
	a, b := openReplica(t, url), openReplica(t, url)
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clock := newClock(monday(10, 0))
	clock.use(a, b)
	ms, ids := waitTeam(t, a, clock, []string{"dana", "lee", "sam"}, 10, 100, rrAll)
	for _, m := range ms {
		if err := a.SetAway(ctx, m.ID, false); err != nil {
			t.Fatal(err)
		}
		// Both replicas drain for the member who came back at once: a
		// drain for a member waits for what the other locked, so the
		// queue keeps its order.
		var wg sync.WaitGroup
		for _, s := range []*store.Store{a, b, a, b} {
			wg.Go(func() {
				if _, err := s.Drain(ctx, inboxbot.Drain{Member: m.ID, Cause: m.Name + " came back"}, routing.Route); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	got := holdings(t, a, ms)
	var all []int64
	for _, m := range ms {
		if len(got[m.Name]) != 10 {
			t.Errorf("%s holds %d conversations, want 10 (capacity)", m.Name, len(got[m.Name]))
		}
		all = append(all, got[m.Name]...)
	}
	slices.Sort(all)
	if !slices.Equal(all, ids[:30]) {
		t.Errorf("placed %v, want the 30 oldest %v", all, ids[:30])
	}
	assignedOnce(t, a, ids)
}

func openReplica(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDrain_WorkingHoursStartingDrainTheQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := newClock(monday(6, 0))
		clock.use(s)
		ms, ids := waitTeam(t, s, clock, []string{"dana"}, 5, 8, rrAll)
		hours := map[string]string{"mon-fri": "09:00-17:00"}
		if _, err := s.UpsertMember(ctx, inboxbot.Member{Name: "dana", Hours: hours, Capacity: 5}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAway(ctx, ms[0].ID, false); err != nil {
			t.Fatal(err)
		}
		clock.Set(monday(8, 59))
		if res, err := s.Drain(ctx, inboxbot.Drain{}, routing.Route); err != nil || len(res.Placed) != 0 {
			t.Fatalf("sweep before hours placed %d: %v", len(res.Placed), err)
		}
		clock.Set(monday(9, 0))
		res, err := s.Drain(ctx, inboxbot.Drain{}, routing.Route)
		if err != nil || len(res.Placed) != 5 {
			t.Fatalf("sweep as hours start placed %d, want 5 (capacity): %v", len(res.Placed), err)
		}
		if got := holdings(t, s, ms)["dana"]; !slices.Equal(got, ids[:5]) {
			t.Errorf("dana holds %v, want the oldest %v", got, ids[:5])
		}
		h, _ := s.History(ctx, ids[0])
		if r := h[len(h)-1].Reason; r != "was waiting 2 h 59 min; found by the sweep; round-robin among dana: 1 of 1" {
			t.Errorf("reason = %q", r)
		}
	})
}

func TestDrain_RoundRobinStaysFairWithDrainsAmongNewArrivals(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { drainFairly(t, storetest.Open(t, "sqlite")) })
	t.Run("postgres, two replicas", func(t *testing.T) {
		url := storetest.URL(t, "postgres")
		a, b := openReplica(t, url), openReplica(t, url)
		if _, err := a.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		drainFairly(t, a, b)
	})
}

// drainFairly races sweeps against routed arrivals on the replicas and
// checks that round-robin counts differ by at most one.
func drainFairly(t *testing.T, replicas ...*store.Store) {
	s := replicas[0]
	clock := newClock(monday(10, 0))
	clock.use(replicas...)
	ms, _ := waitTeam(t, s, clock, []string{"dana", "lee", "sam"}, 0, 30, rrAll)
	for _, m := range ms {
		if err := s.SetAway(ctx, m.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		st := replicas[g%len(replicas)]
		wg.Go(func() {
			for i := 0; i < 6; i++ {
				var err error
				if (g+i)%2 == 0 {
					_, err = st.Drain(ctx, inboxbot.Drain{Limit: 5}, routing.Route)
				} else {
					_, err = st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
						Contact: inboxbot.Contact{ExternalID: fmt.Sprintf("new-%d-%d", g, i)}}, routing.Route)
				}
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if _, err := s.Drain(ctx, inboxbot.Drain{}, routing.Route); err != nil {
		t.Fatal(err)
	}
	got := holdings(t, s, ms)
	counts := []int{len(got["dana"]), len(got["lee"]), len(got["sam"])}
	if total := counts[0] + counts[1] + counts[2]; total != 30+24 || slices.Max(counts)-slices.Min(counts) > 1 {
		t.Errorf("round-robin counts %v (total %d, want 54), differ by more than one", counts, total)
	}
}

func TestDrain_ForAMemberNoRuleCanPickStopsAtOnceAndMaxBoundsTheRest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := newClock(monday(10, 0))
		clock.use(s)
		ms, ids := waitTeam(t, s, clock, []string{"dana", "lee"}, 0, 20, rrAll)
		for _, m := range ms {
			if err := s.SetAway(ctx, m.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		boss, err := s.MemberByName(ctx, "boss")
		if err != nil {
			t.Fatal(err)
		}
		// The backlog is placeable, but boss is in no rule: boss having
		// room places nothing, however long the queue.
		res, err := s.Drain(ctx, inboxbot.Drain{Member: boss.ID, Cause: "boss had room"}, routing.Route)
		if err != nil || len(res.Placed) != 0 || res.Looked != 0 {
			t.Fatalf("a drain for boss placed %d and looked at %d: %v", len(res.Placed), res.Looked, err)
		}
		res, err = s.Drain(ctx, inboxbot.Drain{Member: ms[0].ID, Cause: "dana came back", Max: 3}, routing.Route)
		if err != nil || len(res.Placed) != 3 {
			t.Fatalf("a drain of at most 3 placed %d: %v", len(res.Placed), err)
		}
		for i, c := range res.Placed {
			if c.ID != ids[i] {
				t.Errorf("placed %s as number %d, want the oldest %s", c.Ref(), i+1, inboxbot.Ref(ids[i]))
			}
		}
	})
}

// Sweeps skip what another replica is placing: they share the queue
// (its order holds within each, not strictly across them), and still
// place each conversation once and nobody past capacity.
func TestDrain_ReplicasSweepingAtOnceShareTheQueue(t *testing.T) {
	url := storetest.URL(t, "postgres")
	a, b := openReplica(t, url), openReplica(t, url)
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clock := newClock(monday(10, 0))
	clock.use(a, b)
	ms, ids := waitTeam(t, a, clock, []string{"dana", "lee", "sam"}, 10, 100, rrAll)
	for _, m := range ms {
		if err := a.SetAway(ctx, m.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var placed atomic.Int64
	for _, s := range []*store.Store{a, b, a, b} {
		wg.Go(func() {
			res, err := s.Drain(ctx, inboxbot.Drain{}, routing.Route)
			if err != nil {
				t.Error(err)
			}
			placed.Add(int64(len(res.Placed)))
		})
	}
	wg.Wait()
	got := holdings(t, a, ms)
	for _, m := range ms {
		if len(got[m.Name]) != 10 {
			t.Errorf("%s holds %d conversations, want 10 (capacity)", m.Name, len(got[m.Name]))
		}
	}
	if placed.Load() != 30 {
		t.Errorf("the sweeps report %d placed, want 30", placed.Load())
	}
	assignedOnce(t, a, ids)
}
