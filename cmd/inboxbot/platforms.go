package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// platform is one chat platform as serve sees it: whether it is
// configured, the routes its adapter answers and how to start it.
type platform struct {
	name       inboxbot.Platform
	configured bool
	// turnOn says which variables turn the platform on.
	turnOn string
	// patterns are the HTTP routes the adapter answers, as ServeMux
	// patterns such as "POST /slack/commands".
	patterns []string
	// start builds the adapter once the store is ready.
	start func(env adapterEnv) (adapter, error)
}

// adapterEnv is what an adapter is built from.
type adapterEnv struct {
	cfg     config
	store   *store.Store
	service *commands.Service
	log     *slog.Logger
	metrics *server.Metrics
	// owner names this process in leases.
	owner string
	// health is told which platforms are up.
	health *platformHealth
	// retry is how a platform out of reach is tried again.
	retry backoff
}

// adapter is a running chat platform: how it delivers DMs, a handler for
// each of its platform's patterns, and the work it does in the background
// until its context ends (cards, a gateway or Socket Mode connection).
type adapter struct {
	sender bot.Sender
	routes map[string]http.Handler
	run    []func(ctx context.Context) error
}

func platformsOf(cfg config) []platform {
	return []platform{
		{name: "slack", configured: cfg.Slack.On(),
			turnOn:   "SLACK_BOT_TOKEN, SLACK_INBOX_CHANNEL and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)",
			patterns: slackPatterns(cfg), start: startSlack},
		discordPlatform(cfg),
	}
}

// discordPlatform is Discord: HTTP interactions at /discord/interactions
// when DISCORD_PUBLIC_KEY is set, else the gateway (no route).
func discordPlatform(cfg config) platform {
	p := platform{name: "discord", configured: cfg.Discord.On(),
		turnOn: "DISCORD_BOT_TOKEN, DISCORD_APP_ID and DISCORD_INBOX_CHANNEL", start: startDiscord}
	if cfg.Discord.HTTPInteractions() {
		p.patterns = []string{"POST /discord/interactions"}
	}
	return p
}

// routePatterns are the HTTP routes of the configured platforms, mounted
// before the store is ready so that early requests get 503, not 404.
func routePatterns(cfg config) []string {
	var out []string
	for _, p := range platformsOf(cfg) {
		if p.configured {
			out = append(out, p.patterns...)
		}
	}
	return out
}

// platformsOn names the platforms that are configured: the ones that run.
// Never nil, so the log shows [].
func platformsOn(cfg config) []string {
	on := []string{}
	for _, p := range platformsOf(cfg) {
		if p.configured {
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
		if p.configured {
			on = append(on, string(p.name))
		} else {
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

// chats are the configured chat platforms: replies to conversations that
// came from their threads can be delivered (by `serve`).
func chats(cfg config) []inboxbot.Platform {
	var out []inboxbot.Platform
	for _, p := range platformsOf(cfg) {
		if p.configured {
			out = append(out, p.name)
		}
	}
	return out
}
