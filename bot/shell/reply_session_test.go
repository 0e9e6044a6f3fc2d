package shell_test

import (
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// replySession takes a conversation from the first message to closed,
// answering the customer and noting things for the team, and shows the
// contact writing again on the closed conversation.
const replySession = `inbound jane Hi, I need a quote for 20 chairs
/inbox claim 1
/inbox reply 1 Hi Jane, 20 chairs come to 1,200 EUR. Shall I send the order form?
note 1 Big customer last year, offer free delivery if she hesitates
as lee
/inbox reply 1 I can help too
/inbox close 1
as dana
/inbox close 1
/inbox list mine
inbound jane Yes please, send the form
/inbox show 1
quit
`

func TestReplySession_Golden(t *testing.T) {
	goldenSession(t, "reply.golden", replySession, func(t *testing.T, st *store.Store, svc *commands.Service) {
		svc.Webhook = true
		if _, err := st.CreateMember(ctx, inboxbot.Member{Name: "lee", Role: inboxbot.RoleAgent}); err != nil {
			t.Fatal(err)
		}
	})
}
