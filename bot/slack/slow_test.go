package slack_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot/bot/slack"
	"github.com/inboxbot/inboxbot/bot/slack/slacktest"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// A command slower than the reply budget is acknowledged empty at once and
// answered through response_url.
func TestSlack_SlowSlashCommandIsAckedThenAnsweredAtResponseURL(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	fake := slacktest.New(t)
	e := newEnv(t, st, fake, "r1")
	a, err := slack.New(slack.Config{BotToken: slacktest.BotToken, SigningSecret: secret, InboxChannel: inbox,
		APIURL: fake.APIURL(), Service: e.svc, Log: quiet(), Budget: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	for p, h := range a.Routes() {
		mux.Handle(p, h)
	}
	e.srv = httptest.NewServer(mux)
	defer e.srv.Close()
	e.inbound("jane", "Hello")
	code, body := e.slash("U0KIM", "kim", "list team")
	if code != http.StatusOK || body != "" {
		t.Fatalf("ack: %d %q, want an empty 200", code, body)
	}
	waitFor(t, "the answer at response_url", func() bool { return len(fake.Responses()) == 1 })
	a.Wait()
	if got := string(fake.Responses()[0]); !strings.Contains(got, `"response_type":"ephemeral"`) || !strings.Contains(got, "#1") {
		t.Fatalf("answer: %s", got)
	}
}
