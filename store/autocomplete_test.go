package store_test

import (
	"fmt"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestOpenWithIDPrefix_MatchesLeadingDigitsMostRecentFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i := 1; i <= 13; i++ {
			inbound(t, s, fmt.Sprintf("c%d", i), "sms", "hello")
		}
		// #12 is closed: it must not be offered.
		if _, _, err := s.SetStatus(ctx, inboxbot.StatusChange{ConversationID: 12, Status: inboxbot.StatusClosed}); err != nil {
			t.Fatalf("close: %v", err)
		}
		ids := func(prefix string, limit int) string {
			convs, err := s.OpenWithIDPrefix(ctx, prefix, limit)
			if err != nil {
				t.Fatalf("prefix %q: %v", prefix, err)
			}
			out := ""
			for _, c := range convs {
				out += fmt.Sprintf("%d ", c.ID)
			}
			return out
		}
		for _, tc := range []struct {
			prefix string
			limit  int
			want   string
		}{
			{"1", 25, "13 11 10 1 "},
			{"#1", 2, "13 11 "},
			{"13", 25, "13 "},
			{"", 3, "13 11 10 "},
			{"0", 25, ""},
			{"x", 25, ""},
			{"99999999999999999999", 25, ""},
		} {
			if got := ids(tc.prefix, tc.limit); got != tc.want {
				t.Errorf("prefix %q limit %d: got %q, want %q", tc.prefix, tc.limit, got, tc.want)
			}
		}
	})
}
