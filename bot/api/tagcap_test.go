package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// TestTags_BoundedAcrossCalls: each call may add up to MaxTags, but calls
// added up without limit. The total is capped; a refused call changes
// nothing; removing makes room again.
func TestTags_BoundedAcrossCalls(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s).withTeam(team)
		if r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "web", "m-1", "hi")); r.status != http.StatusCreated {
			t.Fatalf("inbound = %d %s", r.status, r.body)
		}
		batch := func(from, n int) string {
			var tags []string
			for i := range n {
				tags = append(tags, fmt.Sprintf("t%d", from+i))
			}
			b, _ := json.Marshal(map[string]any{"add": tags})
			return string(b)
		}
		if r := e.do("POST", "/api/v1/contacts/jane/tags", batch(0, inboxbot.MaxTags)); r.status != http.StatusOK {
			t.Fatalf("first %d tags = %d %s", inboxbot.MaxTags, r.status, r.body)
		}
		r := e.do("POST", "/api/v1/contacts/jane/tags", batch(inboxbot.MaxTags, 1))
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "at most 50") {
			t.Fatalf("tag 51 = %d %s, want 400", r.status, r.body)
		}
		if c, _ := s.Contact(bg, "jane"); len(c.Tags) != inboxbot.MaxTags {
			t.Fatalf("jane has %d tags after the refusal", len(c.Tags))
		}
		if r := e.do("POST", "/api/v1/contacts/jane/tags", `{"remove":["t0"],"add":["t50"]}`); r.status != http.StatusOK {
			t.Fatalf("swap = %d %s", r.status, r.body)
		}
	})
}
