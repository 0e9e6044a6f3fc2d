package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

var ctx = context.Background()

func mustMember(t testing.TB, s *store.Store, name string, role inboxbot.Role) inboxbot.Member {
	t.Helper()
	m, err := s.CreateMember(ctx, inboxbot.Member{Name: name, Role: role})
	if err != nil {
		t.Fatalf("create member %s: %v", name, err)
	}
	return m
}

// inbound sends one message from contact on channel and returns the conversation.
func inbound(t testing.TB, s *store.Store, contact, channel, body string) inboxbot.InboundResult {
	t.Helper()
	res, err := s.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: contact, Name: contact},
		Channel: channel, Body: body}, nil)
	if err != nil {
		t.Fatalf("inbound from %s: %v", contact, err)
	}
	return res
}

// outbox leases everything due and returns "member:kind" for each row, in order.
func outbox(t testing.TB, s *store.Store) []string {
	t.Helper()
	ns, err := s.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformShell, inboxbot.PlatformSlack, inboxbot.PlatformDiscord}, 1000, time.Minute)
	if err != nil {
		t.Fatalf("lease: %v", err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.To+":"+n.Kind)
		if err := s.Sent(ctx, n.ID); err != nil {
			t.Fatalf("sent: %v", err)
		}
	}
	return out
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if got := inboxbot.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}
