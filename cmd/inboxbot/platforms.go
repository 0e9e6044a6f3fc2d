package main

import (
	"log/slog"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// platform is one chat platform as serve sees it. An adapter plugs in by
// setting sender (and mounting its routes in serve); until then a
// configured platform is reported as unavailable rather than pretended.
type platform struct {
	name       inboxbot.Platform
	configured bool
	// turnOn says which variables turn the platform on.
	turnOn string
	// sender delivers its DMs; nil while this build has no adapter.
	sender bot.Sender
}

func platformsOf(cfg config) []platform {
	return []platform{
		{name: "slack", configured: cfg.Slack.On(),
			turnOn: "SLACK_BOT_TOKEN, SLACK_INBOX_CHANNEL and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)"},
		{name: "discord", configured: cfg.Discord.On(),
			turnOn: "DISCORD_BOT_TOKEN, DISCORD_APP_ID and DISCORD_INBOX_CHANNEL"},
	}
}

// platformSenders returns the DM senders of the platforms that are on,
// keyed by platform name, for the outbox.
func platformSenders(cfg config, log *slog.Logger) map[inboxbot.Platform]bot.Sender {
	senders := map[inboxbot.Platform]bot.Sender{}
	for _, p := range platformsOf(cfg) {
		if p.configured && p.sender != nil {
			senders[p.name] = p.sender
		}
	}
	return senders
}

// platformsOn names the platforms that are configured and have an adapter
// in this build: the ones that really run. Never nil, so the log shows [].
func platformsOn(cfg config) []string {
	on := []string{}
	for _, p := range platformsOf(cfg) {
		if p.configured && p.sender != nil {
			on = append(on, string(p.name))
		}
	}
	return on
}

// logPlatforms says which platforms are on and how to turn the others on,
// so a first `inboxbot serve` explains itself.
func logPlatforms(cfg config, log *slog.Logger) {
	var on, off []string
	for _, p := range platformsOf(cfg) {
		switch {
		case p.configured && p.sender == nil:
			log.Warn(string(p.name) + " is configured but its adapter is not available in this build; " + string(p.name) + " stays off")
		case p.configured:
			on = append(on, string(p.name))
		default:
			off = append(off, string(p.name)+": set "+p.turnOn)
		}
	}
	if len(on) == 0 {
		log.Info("no chat platform is on; try inboxbot now with `inboxbot shell --as NAME` on the same DATABASE_URL")
	} else {
		log.Info("chat platforms on: " + strings.Join(on, ", "))
	}
	for _, o := range off {
		log.Info("to turn on " + o)
	}
	if cfg.APIToken == "" {
		log.Info("inbound API is off; set INBOXBOT_API_TOKEN to accept POST /api/v1/inbound")
	} else {
		log.Info("inbound API is on at /api/v1/ (bearer INBOXBOT_API_TOKEN)")
	}
}
