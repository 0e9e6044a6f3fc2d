package bot_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// TestWebhook_ARedirectIsNotFollowedAndFailsForGood: a 307 would re-send the
// signed body to another host, a 302 to a page answering 200 would mark the
// reply sent though the receiver never got it.
func TestWebhook_ARedirectIsNotFollowedAndFailsForGood(t *testing.T) {
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	defer other.Close()
	for _, code := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/steal", code)
		}))
		for _, client := range []*http.Client{nil, http.DefaultClient} {
			w := &bot.Webhook{URL: srv.URL, Secret: "x", Client: client}
			err := w.Send(ctx, inboxbot.Notification{DedupeKey: "k", Notice: inboxbot.Notice{ConversationID: 1,
				Message: &inboxbot.Message{ID: 7, Body: "hello"}}})
			var perm *bot.Permanent
			if !errors.As(err, &perm) || !strings.Contains(perm.Reason, other.URL+"/steal") || !strings.Contains(perm.Reason, "redirect") {
				t.Errorf("%d: err = %v, want a permanent failure naming the Location", code, err)
			}
		}
		srv.Close()
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests, want 0", n)
	}
}
