package shell_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/shell"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
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
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = clock
		svc := commands.New(st, routing.Route)
		svc.Now = clock
		svc.Replies = true
		if _, err := st.CreateMember(ctx, inboxbot.Member{Name: "lee", Role: inboxbot.RoleAgent}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		c := &shell.Console{Service: svc, As: "dana", In: strings.NewReader(replySession), Out: &out, Echo: true, Owner: "test"}
		if err := c.Run(ctx); err != nil {
			t.Fatal(err)
		}
		golden(t, "reply.golden", out.String())
	})
}
