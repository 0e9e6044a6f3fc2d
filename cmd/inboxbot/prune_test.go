package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestPruneOutbox_RunsAtStart: serve's pruning worker deletes what is past
// the retention as soon as it starts, then keeps going until stopped.
func TestPruneOutbox_RunsAtStart(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	st.Now = func() time.Time { return time.Now().Add(-30 * 24 * time.Hour) }
	dana, err := st.CreateMember(context.Background(), inboxbot.Member{Name: "dana", Role: inboxbot.RoleManager})
	if err != nil {
		t.Fatal(err)
	}
	lee, _ := st.CreateMember(context.Background(), inboxbot.Member{Name: "lee"})
	res, err := st.AddInbound(context.Background(), inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: "jane"}, Channel: "sms", Body: "hi"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Assign(context.Background(), inboxbot.Change{ConversationID: res.Conversation.ID, To: lee.ID, Actor: dana.ID}); err != nil {
		t.Fatal(err)
	}
	if first, err := st.FirstDelivery(context.Background(), inboxbot.PlatformSlack, "Ev1"); err != nil || !first {
		t.Fatal(first, err)
	}
	st.Now = time.Now
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		pruneOutbox(ctx, st, 168*time.Hour, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(done)
	}()
	waitFor(t, "the month-old DM to lee to expire", func() bool {
		c, err := st.OutboxCounts(context.Background())
		return err == nil && c["pending"] == 0
	})
	waitFor(t, "the month-old event id to be forgotten", func() bool {
		first, err := st.FirstDelivery(context.Background(), inboxbot.PlatformSlack, "Ev1")
		return err == nil && first
	})
	cancel()
	<-done
}
