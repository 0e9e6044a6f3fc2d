package store_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Routed inbounds reach PostgreSQL as statements prepared once and run on
// a plan the server keeps; a list's statement, whose plan depends on its
// values, is not prepared.
func TestPlanned_InboundsRunOnKeptPlansAndListsDoNot(t *testing.T) {
	s := storetest.Open(t, "postgres")
	s.OneConnection()
	budgetTeam(t, s, 3)
	for i := range 10 {
		in := inboxbot.Inbound{Kind: "message", Channel: "sms", Body: fmt.Sprintf("hello 'there' %d", i),
			Contact: inboxbot.Contact{ExternalID: fmt.Sprint("planned-", i)}}
		if res, err := s.AddInbound(ctx, in, routing.Route); err != nil || !res.Conversation.Assigned() {
			t.Fatalf("inbound %d: %+v, %v", i, res.Decision, err)
		}
	}
	prepared, err := s.Prepared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The conversation's insert (the seed's unassigned ones have a text
	// of their own).
	var kept int64
	for text, generic := range prepared {
		if strings.HasPrefix(text, `WITH "c" AS (INSERT INTO "conversations"`) {
			if !strings.Contains(text, "$1") || strings.Contains(text, "hello") {
				t.Fatalf("the conversation's insert is prepared with its values: %s", text)
			}
			kept = max(kept, generic)
		}
	}
	if kept == 0 {
		t.Fatalf("no conversation's insert ran on a kept plan in 10 inbounds; prepared: %v", prepared)
	}
	if _, err := s.List(ctx, inboxbot.Filter{Unassigned: true, Status: inboxbot.StatusOpen}); err != nil {
		t.Fatal(err)
	}
	after, err := s.Prepared(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(prepared) {
		t.Fatalf("a Team inbox list prepared %d statements", len(after)-len(prepared))
	}
}

// default_query_exec_mode=simple_protocol in the URL, as a pooler without
// prepared statements needs, prepares nothing.
func TestPlanned_OffWhenTheURLAsksForTheSimpleProtocol(t *testing.T) {
	s, err := store.Open(ctx, storetest.URL(t, "postgres")+"&default_query_exec_mode=simple_protocol")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.OneConnection()
	budgetTeam(t, s, 3)
	if _, _, err := s.Claim(ctx, 2, 1, inboxbot.ViaShell); err != nil {
		t.Fatal(err)
	}
	if prepared, err := s.Prepared(ctx); err != nil || len(prepared) > 0 {
		t.Fatalf("prepared %v (%v), want nothing", prepared, err)
	}
}
