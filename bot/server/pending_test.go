package server_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// inboxbot_outbox_pending counts only the rows of the platforms the
// deployment delivers: a DM for Slack does not wait on a deployment
// without Slack (it is still in inboxbot_notifications).
func TestMetrics_OutboxPendingCountsOnlyWhatThisDeploymentDelivers(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	ctx := context.Background()
	boss, err := st.CreateMember(ctx, inboxbot.Member{Name: "boss", Role: inboxbot.RoleManager})
	if err != nil {
		t.Fatal(err)
	}
	lee, err := st.CreateMember(ctx, inboxbot.Member{Name: "lee", SlackID: "U0LEE"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: "c1"},
		Channel: "sms", Body: "hello"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Assign(ctx, inboxbot.Change{ConversationID: res.Conversation.ID, To: lee.ID, Actor: boss.ID}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		delivered []inboxbot.Platform
		want      float64
	}{
		{nil, 1}, // every platform
		{[]inboxbot.Platform{inboxbot.PlatformSlack}, 1},
		{[]inboxbot.Platform{inboxbot.PlatformDiscord, inboxbot.PlatformWebhook}, 0},
		{[]inboxbot.Platform{}, 0},
	} {
		m := server.NewMetrics()
		m.WatchStore(st, c.delivered...)
		h := server.New(server.Options{Log: slog.New(slog.DiscardHandler), Metrics: m}).Handler()
		fams := scrape(t, h)
		if got := value(t, fams, "inboxbot_outbox_pending", nil); got != c.want {
			t.Errorf("delivering %v: pending %v, want %v", c.delivered, got, c.want)
		}
		if got := value(t, fams, "inboxbot_notifications", map[string]string{"state": "pending"}); got != 1 {
			t.Errorf("delivering %v: notifications{pending} %v, want 1", c.delivered, got)
		}
	}
}
