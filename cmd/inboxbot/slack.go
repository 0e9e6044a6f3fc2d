package main

import (
	"context"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/slack"
)

// slackPatterns are the routes of Slack's HTTP mode; Socket Mode needs none.
func slackPatterns(cfg config) []string {
	if cfg.Slack.SocketMode() {
		return nil
	}
	return []string{"POST /slack/commands", "POST /slack/interactions", "POST /slack/events"}
}

// startSlack builds the Slack adapter: its DM sender, its HTTP routes (HTTP
// mode) or Socket Mode connection, and the inbox-channel cards loop.
func startSlack(env adapterEnv) (adapter, error) {
	sc := env.cfg.Slack
	a, err := slack.New(slack.Config{
		BotToken: sc.BotToken, SigningSecret: sc.SigningSecret, AppToken: sc.AppToken,
		InboxChannel: sc.InboxChannel, APIURL: sc.APIURL,
		Service: env.service, Log: env.log.With("platform", "slack"),
		Registerer: env.metrics.Registry, Commands: env.metrics.Command,
	})
	if err != nil {
		return adapter{}, err
	}
	cards := &bot.Cards{Store: env.store, Platform: inboxbot.PlatformSlack, Renderer: a, Owner: env.owner, Log: env.log,
		Grace: env.cfg.ShutdownTimeout}
	out := adapter{sender: a, run: []func(context.Context) error{
		cards.Run,
		// Work that continued after Slack was answered finishes before
		// the store closes.
		func(ctx context.Context) error { <-ctx.Done(); a.Wait(); return nil },
	}}
	if sc.SocketMode() {
		out.run = append(out.run, a.RunSocketMode)
		return out, nil
	}
	out.routes = a.Routes()
	return out, nil
}
