package slack_test

import (
	"fmt"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/surfacetest"
)

// The alerts half of the surface contract's Driver: a manager's alert
// message is a DM (channel "D" + their user id) posted with
// chat.postMessage and edited with chat.update.

func (d *slackDriver) Replica(n int) (inboxbot.Platform, bot.DigestRenderer) {
	if n == 0 {
		return inboxbot.PlatformSlack, d.e.a
	}
	return inboxbot.PlatformSlack, newEnv(d.e.t, d.e.st, d.e.fake, fmt.Sprint("replica-", n+1)).a
}

func (d *slackDriver) Posted(to inboxbot.Member) (posts, edits int) {
	for _, c := range d.e.fake.Calls("") {
		if c.Error != "" || c.Form.Get("channel") != "D"+to.SlackID {
			continue
		}
		switch c.Method {
		case "chat.postMessage":
			posts++
		case "chat.update":
			edits++
		}
	}
	return posts, edits
}

func (d *slackDriver) PressAlert(as inboxbot.Member) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	msgs := e.fake.Messages("D" + as.SlackID)
	if len(msgs) != 1 {
		e.t.Fatalf("%s has %d alert messages, want 1", as.Name, len(msgs))
	}
	n := len(e.fake.Responses())
	start := time.Now()
	if code := e.click(as.SlackID, find(e.t, msgs[0].Blocks, "waiting:"), ""); code != 200 {
		e.t.Fatalf("the alert's button answered %d", code)
	}
	elapsed := time.Since(start)
	waitFor(e.t, "the list of waiting conversations", func() bool { return len(e.fake.Responses()) > n })
	return surfacetest.Answer{Text: surfacetest.Strings(e.fake.Responses()[n]), Elapsed: elapsed}
}
