package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// rotate is a minimal RouteFunc: the first rule of a fired trigger hands
// out turns over its members in order, or finds nobody when it has none.
func rotate(in inboxbot.RouteInput) inboxbot.Decision {
	for _, r := range in.Rules {
		for _, t := range in.Triggers {
			if t != r.Trigger {
				continue
			}
			rule := r
			if len(r.Assign.Members) == 0 {
				return inboxbot.Decision{Rule: &rule, Reason: "no eligible member"}
			}
			next := int((max(in.Turn[r.ID], 1) - 1) % int64(len(r.Assign.Members)))
			for _, m := range in.Members {
				if m.Name == r.Assign.Members[next] {
					return inboxbot.Decision{Rule: &rule, AssigneeID: m.ID, AssigneeName: m.Name, Reason: "turn"}
				}
			}
		}
	}
	return inboxbot.Decision{}
}

func TestRoute_AssignsTakesTurnsAndAlertsWhenNobodyCan(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		err := s.ApplyTeam(ctx, []inboxbot.Member{{Name: "dana", Role: inboxbot.RoleManager}, {Name: "lee"}, {Name: "sam"}},
			[]inboxbot.Rule{
				{Name: "forms to nobody", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerFormSubmitted,
					Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin}},
				{Name: "draft", Status: inboxbot.RuleDraft, Trigger: inboxbot.TriggerConversationCreated,
					Assign: inboxbot.Assignment{Method: inboxbot.MethodUser, Members: []string{"dana"}}},
				{Name: "sales", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
					Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"lee", "sam"}}},
			})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, contact := range []string{"a", "b", "c"} {
			res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: contact}, Body: "hi"}, rotate)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, res.Conversation.AssigneeName)
			h, _ := s.History(ctx, res.Conversation.ID)
			if len(h) != 1 || h[0].Via != inboxbot.ViaWorkflow || h[0].RuleName != "sales" || h[0].ActorID != 0 {
				t.Fatalf("history %+v", h)
			}
		}
		if !slices.Equal(got, []string{"lee", "sam", "lee"}) {
			t.Fatalf("turns went %v", got)
		}
		if out := outbox(t, s); !slices.Equal(out, []string{"lee:assigned", "sam:assigned", "lee:assigned"}) {
			t.Fatalf("outbox %v", out)
		}
		// A form on an existing unassigned conversation: the matching rule
		// has nobody, so it stays in the Team inbox and the manager hears.
		c := inbound(t, s, "d", "email", "first")
		res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "form", Channel: "email", Contact: inboxbot.Contact{ExternalID: "d"}, Body: "form"}, rotate)
		if err != nil || res.Conversation.Assigned() || res.Decision.Rule == nil || res.Conversation.ID != c.Conversation.ID {
			t.Fatalf("form = %+v, %v", res, err)
		}
		if out := outbox(t, s); !slices.Equal(out, []string{"dana:alerts"}) {
			t.Fatalf("outbox %v", out)
		}

		// Re-applying keeps the rule ids (and so the rotation) of kept names.
		before, _ := s.Rules(ctx)
		s.ApplyTeam(ctx, nil, []inboxbot.Rule{{Name: "sales", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
			Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"lee", "sam"}}}})
		after, _ := s.Rules(ctx)
		if len(after) != 1 || after[0].ID != before[2].ID || after[0].Priority != 1 {
			t.Fatalf("rules after re-apply %+v (before %+v)", after, before)
		}
		res, err = s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Contact: inboxbot.Contact{ExternalID: "e"}, Body: "hi"}, rotate)
		if err != nil || res.Conversation.AssigneeName != "sam" {
			t.Fatalf("rotation restarted: next went to %q", res.Conversation.AssigneeName)
		}
		if _, changed, err := s.SetRuleStatus(ctx, after[0].ID, inboxbot.RuleDraft); err != nil || !changed {
			t.Fatalf("unpublish = %v, %v", changed, err)
		}
		_, _, err = s.SetRuleStatus(ctx, 9999, inboxbot.RuleDraft)
		wantCode(t, err, inboxbot.ENOTFOUND)
	})
}

func TestTagContact_RunsContactTaggedRulesOnNewTagsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.ApplyTeam(ctx, []inboxbot.Member{{Name: "vipdesk"}}, []inboxbot.Rule{{Name: "vip", Status: inboxbot.RulePublished,
			Trigger: inboxbot.TriggerContactTagged, Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"vipdesk"}}}})
		c := inbound(t, s, "jane", "sms", "hi").Conversation
		if c.Assigned() {
			t.Fatal("a contact.tagged rule ran on conversation.created")
		}
		contact, routed, err := s.TagContact(ctx, "jane", []string{"VIP"}, nil, rotate)
		if err != nil || !slices.Equal(contact.Tags, []string{"vip"}) || len(routed) != 1 || routed[0].Conversation.AssigneeName != "vipdesk" {
			t.Fatalf("tag = %+v, %+v, %v", contact, routed, err)
		}
		if _, routed, _ := s.TagContact(ctx, "jane", []string{"vip"}, []string{"new"}, rotate); len(routed) != 0 {
			t.Fatal("an existing tag triggered the rules again")
		}
		_, _, err = s.TagContact(ctx, "nobody", []string{"x"}, nil, rotate)
		wantCode(t, err, inboxbot.ENOTFOUND)
	})
}

func TestApplyTeam_ReplicasApplyingAtOnceAgree(t *testing.T) {
	s := storetest.Open(t, "postgres")
	members := []inboxbot.Member{{Name: "ana"}, {Name: "bo"}, {Name: "cy", Role: inboxbot.RoleManager}}
	rules := []inboxbot.Rule{{Name: "all", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
		Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"ana", "bo"}}}}
	errs := make(chan error, 6)
	for i := 0; i < cap(errs); i++ {
		go func() { errs <- s.ApplyTeam(ctx, members, rules) }()
	}
	for i := 0; i < cap(errs); i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent apply: %v", err)
		}
	}
	ms, _ := s.Members(ctx)
	rs, _ := s.Rules(ctx)
	if len(ms) != 3 || len(rs) != 1 {
		t.Fatalf("%d members and %d rules after concurrent applies, want 3 and 1", len(ms), len(rs))
	}
}

func TestAddInbound_NewTagsFireContactTaggedRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.ApplyTeam(ctx, []inboxbot.Member{{Name: "vipdesk"}}, []inboxbot.Rule{{Name: "vip", Status: inboxbot.RulePublished,
			Trigger: inboxbot.TriggerContactTagged, Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"vipdesk"}}}})
		send := func(contact string, tags ...string) inboxbot.InboundResult {
			res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
				Contact: inboxbot.Contact{ExternalID: contact, Tags: tags}}, rotate)
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		if res := send("jane", "vip"); res.Conversation.AssigneeName != "vipdesk" || res.Decision.Rule == nil {
			t.Fatalf("a new contact tagged vip went to %q", res.Conversation.AssigneeName)
		}
		if res := send("joe"); res.Conversation.Assigned() {
			t.Fatal("an untagged contact was routed by a contact.tagged rule")
		}
		if res := send("joe", "vip"); res.Conversation.AssigneeName != "vipdesk" {
			t.Fatalf("tagging joe on his open conversation: assignee %q", res.Conversation.AssigneeName)
		}
		s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: 1, Status: inboxbot.StatusClosed})
		if res := send("jane", "vip"); res.Conversation.Assigned() {
			t.Fatal("a tag the contact already had fired contact.tagged again")
		}
	})
}

// A replica keeps the published rules it read until they change, on any
// replica: a rule changed or unpublished elsewhere routes the very next
// inbound.
func TestRules_ChangesOnAnotherReplicaRouteTheNextInbound(t *testing.T) {
	u := storetest.URL(t, "postgres")
	var replicas [2]*store.Store
	for i := range replicas {
		s, err := store.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		replicas[i] = s
	}
	a, b := replicas[0], replicas[1]
	rule := func(member string) []inboxbot.Rule {
		return []inboxbot.Rule{{Name: "desk", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
			Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{member}}}}
	}
	if err := a.ApplyTeam(ctx, []inboxbot.Member{{Name: "lee"}, {Name: "sam"}}, rule("lee")); err != nil {
		t.Fatal(err)
	}
	inbound := func(n int) inboxbot.Conversation {
		t.Helper()
		res, err := a.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Channel: "sms", Body: "hi",
			Contact: inboxbot.Contact{ExternalID: fmt.Sprint("c", n)}}, routing.Route)
		if err != nil {
			t.Fatal(err)
		}
		return res.Conversation
	}
	for n := range 3 {
		if got := inbound(n).AssigneeName; got != "lee" {
			t.Fatalf("inbound %d went to %q, want lee", n, got)
		}
	}
	if err := b.ApplyTeam(ctx, nil, rule("sam")); err != nil {
		t.Fatal(err)
	}
	if got := inbound(3).AssigneeName; got != "sam" {
		t.Fatalf("after the rule changed on another replica, an inbound went to %q, want sam", got)
	}
	rules, err := b.Rules(ctx)
	if err != nil || len(rules) != 1 {
		t.Fatalf("rules %v, %v", rules, err)
	}
	if _, _, err := b.SetRuleStatus(ctx, rules[0].ID, inboxbot.RuleDraft); err != nil {
		t.Fatal(err)
	}
	if c := inbound(4); c.Assigned() {
		t.Fatalf("after the rule was unpublished on another replica, an inbound went to %q", c.AssigneeName)
	}
}
