package shell_test

import (
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// rulesSession shows rules routing simulated messages with the real engine:
// round-robin, an away member passed over, a rule test, a draft published,
// and contact ownership before any rule.
const rulesSession = `/inbox rules
inbound ann source:facebook-ad Do you deliver to Berlin?
inbound bob source:facebook-ad Price for 10 tables?
as lee
/inbox away
inbound cat source:facebook-ad Hello?
/inbox rules test 1
inbound dan source:web Question about an order
/inbox rules publish 2
as sam
/inbox rules publish 2
inbound eve source:web Where is my parcel?
/inbox contact assign ann @sam
inbound ann channel:email Following up by e-mail
`

func TestRulesSession_Golden(t *testing.T) {
	goldenSession(t, "rules.golden", rulesSession, func(t *testing.T, st *store.Store, _ *commands.Service) {
		err := st.ApplyTeam(ctx, []inboxbot.Member{
			{Name: "dana", Role: inboxbot.RoleAgent}, {Name: "lee", Role: inboxbot.RoleAgent}, {Name: "sam", Role: inboxbot.RoleManager},
		}, []inboxbot.Rule{
			{Name: "Facebook leads", Status: inboxbot.RulePublished, Trigger: inboxbot.TriggerConversationCreated,
				When:   []inboxbot.Condition{{Field: "lead_source", Op: "eq", Value: "facebook-ad"}},
				Assign: inboxbot.Assignment{Method: inboxbot.MethodRoundRobin, Members: []string{"dana", "lee"}, SkipAway: true}},
			{Name: "Web to sam", Status: inboxbot.RuleDraft, Trigger: inboxbot.TriggerConversationCreated,
				When:   []inboxbot.Condition{{Field: "lead_source", Op: "eq", Value: "web"}},
				Assign: inboxbot.Assignment{Method: inboxbot.MethodUser, Members: []string{"sam"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
