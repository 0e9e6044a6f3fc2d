package slack

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot/commands"
)

func TestRespond_FailureIsLoggedWithoutTheResponseURL(t *testing.T) {
	var logs bytes.Buffer
	a, err := New(Config{BotToken: "xoxb-test", SigningSecret: "s", Service: &commands.Service{},
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{"http://127.0.0.1:1/actions/T1/1/sEcReT", "http://bad host/actions/sEcReT"} {
		a.respond(context.Background(), url, &slackapi.Msg{Text: "hi"})
	}
	if strings.Contains(logs.String(), "sEcReT") || !strings.Contains(logs.String(), "response_url") {
		t.Errorf("log:\n%s", logs.String())
	}
}
