package store_test

import (
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestMembers_ALookAlikeOfAMemberIsRefused: a member named with look-alike
// letters (Cyrillic "соре" beside "cope") was accepted, by the team file
// and by automatic creation alike.
func TestMembers_ALookAlikeOfAMemberIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mustMember(t, s, "cope", inboxbot.RoleAgent)
		cyrillic := "\u0441\u043e\u0440\u0435"
		_, err := s.CreateMember(ctx, inboxbot.Member{Name: cyrillic})
		wantCode(t, err, inboxbot.ECONFLICT)
		if !strings.Contains(inboxbot.ErrorMessage(err), "looks like the member cope") {
			t.Fatalf("refusal = %q", inboxbot.ErrorMessage(err))
		}
		_, err = s.UpsertMember(ctx, inboxbot.Member{Name: cyrillic, Role: inboxbot.RoleManager})
		wantCode(t, err, inboxbot.ECONFLICT)
		_, err = s.CreateMember(ctx, inboxbot.Member{Name: "d\u0430na"})
		wantCode(t, err, inboxbot.EINVALID)
		// A chat user whose display name is a look-alike still gets in,
		// under a name that does not pass for the member's.
		m, err := s.EnsurePlatformMember(ctx, inboxbot.PlatformSlack, "U0SPOOF", cyrillic)
		if err != nil || m.Name == cyrillic || inboxbot.Skeleton(m.Name) == inboxbot.Skeleton("cope") {
			t.Fatalf("ensured %+v, %v", m, err)
		}
		if _, err := s.UpsertMember(ctx, inboxbot.Member{Name: "COPE", Role: inboxbot.RoleManager}); err != nil {
			t.Fatalf("the same name in another case is the same member: %v", err)
		}
	})
}
