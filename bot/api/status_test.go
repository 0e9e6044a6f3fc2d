package api_test

import (
	"net/http"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

func TestCloseReopenAndMessages_ThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		if r := e.do("POST", "/api/v1/inbound", inboundBody("jane", "web", "m-1", "hi")); r.status != http.StatusCreated {
			t.Fatalf("inbound = %d %s", r.status, r.body)
		}
		r := e.do("POST", "/api/v1/conversations/1/close", "")
		if got := r.json(t); r.status != http.StatusOK || got["status"] != "closed" || got["changed"] != true {
			t.Fatalf("close = %d %s", r.status, r.body)
		}
		if got := e.do("POST", "/api/v1/conversations/1/close", "").json(t); got["changed"] != false {
			t.Errorf("closing twice changed it: %v", got)
		}
		// The contact writes again: the same conversation reopens.
		if got := e.do("POST", "/api/v1/inbound", inboundBody("jane", "web", "m-2", "again")).json(t); got["conversation_id"] != 1.0 {
			t.Errorf("inbound on a closed conversation = %v", got)
		}
		e.do("POST", "/api/v1/conversations/%231/close", "")
		if got := e.do("POST", "/api/v1/conversations/1/reopen", "").json(t); got["status"] != "open" {
			t.Errorf("reopen = %v", got)
		}
		msgs := e.do("GET", "/api/v1/conversations/1/messages", "").list(t)
		if len(msgs) != 2 || msgs[0]["body"] != "hi" || msgs[1]["body"] != "again" || msgs[0]["direction"] != "inbound" || msgs[0]["external_id"] != "m-1" {
			t.Errorf("messages = %v", msgs)
		}
		hist, _ := s.History(bg, 1)
		if len(hist) != 4 || hist[3].Kind != inboxbot.KindReopen || hist[3].Via != inboxbot.ViaAPI {
			t.Errorf("history = %+v", hist)
		}
		for path, code := range map[string]int{
			"/api/v1/conversations/99/close": http.StatusNotFound, "/api/v1/conversations/x/close": http.StatusBadRequest,
			"/api/v1/conversations/0/reopen": http.StatusBadRequest,
		} {
			if r := e.do("POST", path, ""); r.status != code {
				t.Errorf("POST %s = %d %s, want %d", path, r.status, r.body, code)
			}
		}
		if r := e.do("GET", "/api/v1/conversations/99/messages", ""); r.status != http.StatusNotFound {
			t.Errorf("messages of a missing conversation = %d", r.status)
		}
	})
}
