package discord_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord/discordtest"
	"github.com/inboxbot/inboxbot/bot/surfacetest"
)

// The alerts half of the surface contract's Driver: a manager's alert
// message is in their DM channel, posted with POST /channels/{dm}/messages
// and edited with PATCH on the message.

func (d *discordDriver) Replica(n int) (inboxbot.Platform, bot.DigestRenderer) {
	if n == 0 {
		return inboxbot.PlatformDiscord, d.e.bot
	}
	return inboxbot.PlatformDiscord, newEnvOn(d.e.t, d.e.st, d.e.fake, fmt.Sprint("replica-", n+1)).bot
}

func (d *discordDriver) Posted(to inboxbot.Member) (posts, edits int) {
	dm := discordtest.DMChannel(to.DiscordID)
	for _, c := range d.e.fake.Calls("POST /channels/" + dm + "/messages|PATCH /channels/" + dm + "/messages/.*") {
		switch {
		case c.Status >= 300:
		case c.Method == "POST":
			posts++
		default:
			edits++
		}
	}
	return posts, edits
}

func (d *discordDriver) PressAlert(as inboxbot.Member) surfacetest.Answer {
	e := d.e
	e.t.Helper()
	dm := discordtest.DMChannel(as.DiscordID)
	msgs := e.fake.Messages(dm)
	if len(msgs) != 1 {
		e.t.Fatalf("%s has %d alert messages, want 1", as.Name, len(msgs))
	}
	var body struct {
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			}
		}
	}
	if err := json.Unmarshal(msgs[0].Body, &body); err != nil || len(body.Components) == 0 || len(body.Components[0].Components) == 0 {
		e.t.Fatalf("the alert message has no button (%v): %s", err, msgs[0].Body)
	}
	i := e.click(user(as.DiscordID, as.Name), body.Components[0].Components[0].CustomID, dm, msgs[0].ID)
	start := time.Now()
	out := e.do(i)
	elapsed := time.Since(start)
	return surfacetest.Answer{Text: surfacetest.Strings([]byte(mustJSON(out))), Elapsed: elapsed}
}
