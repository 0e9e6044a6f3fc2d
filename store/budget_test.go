package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// statementBudgets are the most statements (BEGIN and COMMIT not counted)
// each operation may send, whatever the number of members and
// conversations; pgBudgets are lower where PostgreSQL does it in fewer. A
// batch of writes sent at once (Store.batch) counts once: the budgets
// count round trips.
var statementBudgets = map[string]int{
	"inbound routed":  10,
	"inbound message": 6,
	"claim":           4,
	"assign":          6,
	"follow":          3,
	"list team inbox": 2,
	"list mine":       2,
	"list following":  2,
	"list tag":        2,
	"list channel":    2,
	"show":            2,
}

var pgBudgets = map[string]int{
	// One statement claims, counts, records and reads the result.
	"claim": 1,
	// A new contact has no conversation to look for; the rules are read
	// again only when rules_version moved; the new conversation and its
	// first message are written at once, the assignee's open count, the
	// event and the assignee's message in one batch.
	"inbound routed": 5,
	// The assignee, the open counts, the event and the messages are
	// written in one batch.
	"assign": 3,
}

// budgetTeam makes n agents and a manager, a published round-robin rule
// over the agents, n routed and n unassigned conversations, and returns the
// agents.
func budgetTeam(t *testing.T, s *store.Store, n int) []inboxbot.Member {
	t.Helper()
	team := []inboxbot.Member{{Name: "boss", Role: inboxbot.RoleManager}}
	var names []string
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprintf("agent%d", i))
		team = append(team, inboxbot.Member{Name: names[i]})
	}
	rules := []inboxbot.Rule{{Name: "everyone", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
		Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: names}}}
	if err := s.ApplyTeam(ctx, team, rules); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		for _, route := range []inboxbot.RouteFunc{routing.Route, nil} {
			in := inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
				Contact: inboxbot.Contact{ExternalID: fmt.Sprintf("seed%d-%t", i, route == nil), Tags: []string{"vip"}}}
			if _, err := s.AddInbound(ctx, in, route); err != nil {
				t.Fatal(err)
			}
		}
	}
	agents := make([]inboxbot.Member, n)
	for i := range agents {
		m, err := s.MemberByName(ctx, names[i])
		if err != nil {
			t.Fatal(err)
		}
		agents[i] = m
	}
	return agents
}

// budgetCounts runs each budgeted operation once on a team of n and
// returns the statements each sent.
func budgetCounts(t *testing.T, s *store.Store, n int) map[string][]string {
	// The policies of service levels are read once per Store.PolicyCache;
	// a slow run must not see that read land inside one operation.
	s.PolicyCache = time.Hour
	agents := budgetTeam(t, s, n)
	counter := s.CountStatements()
	out := map[string][]string{}
	measure := func(op string, fn func() error) {
		t.Helper()
		counter.Reset()
		if err := fn(); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		out[op] = counter.Statements()
	}
	var conv inboxbot.Conversation
	measure("inbound routed", func() error {
		res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hello", MessageID: "new-1",
			Contact: inboxbot.Contact{ExternalID: "new", Name: "New"}}, routing.Route)
		if err == nil && !res.Conversation.Assigned() {
			err = fmt.Errorf("not routed: %+v", res.Decision)
		}
		conv = res.Conversation
		return err
	})
	if _, err := s.Follow(ctx, conv.ID, agents[0].ID); err != nil {
		t.Fatal(err)
	}
	measure("inbound message", func() error {
		_, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "more", MessageID: "new-2",
			Contact: inboxbot.Contact{ExternalID: "new"}}, routing.Route)
		return err
	})
	waiting, err := s.List(ctx, inboxbot.Filter{Unassigned: true, Status: inboxbot.StatusOpen, Limit: 1})
	if err != nil || len(waiting) != 1 {
		t.Fatalf("team inbox: %v, %v", waiting, err)
	}
	measure("claim", func() error { _, _, err := s.Claim(ctx, waiting[0].ID, agents[1].ID, inboxbot.ViaShell); return err })
	measure("assign", func() error {
		_, _, err := s.Assign(ctx, inboxbot.Change{ConversationID: waiting[0].ID, To: agents[2%n].ID, Actor: agents[1].ID, Via: inboxbot.ViaShell})
		return err
	})
	measure("follow", func() error { _, err := s.Follow(ctx, waiting[0].ID, agents[1].ID); return err })
	lists := map[string]inboxbot.Filter{
		"list team inbox": {Unassigned: true, Status: inboxbot.StatusOpen},
		"list mine":       {AssigneeID: agents[0].ID, Status: inboxbot.StatusOpen},
		"list following":  {FollowerID: agents[0].ID},
		"list tag":        {Tag: "vip", Status: inboxbot.StatusOpen},
		"list channel":    {Channel: "sms", Status: inboxbot.StatusOpen},
	}
	for op, f := range lists {
		measure(op, func() error { _, err := s.List(ctx, f); return err })
	}
	measure("show", func() error { _, err := s.Conversation(ctx, conv.ID); return err })
	return out
}

func TestStatementBudget_DoesNotGrowWithTheTeamOrTheInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		small := budgetCounts(t, s, 5)
		large := budgetCounts(t, storetest.Open(t, dialectOf(t)), 200)
		for op, budget := range statementBudgets {
			if b, ok := pgBudgets[op]; ok && dialectOf(t) == "postgres" {
				budget = b
			}
			t.Logf("%-16s %2d statements with 5 members, %2d with 200 (budget %d)", op, len(small[op]), len(large[op]), budget)
			if len(large[op]) > budget || len(small[op]) > budget {
				t.Errorf("%s sent %d statements, budget %d:\n%s", op, len(large[op]), budget, strings.Join(large[op], "\n"))
			}
			if len(large[op]) != len(small[op]) {
				t.Errorf("%s sent %d statements with 5 members and %d with 200", op, len(small[op]), len(large[op]))
			}
		}
	})
}

// dialectOf is the dialect of the storetest.Each subtest t runs in.
func dialectOf(t *testing.T) string {
	return t.Name()[strings.LastIndex(t.Name(), "/")+1:]
}
