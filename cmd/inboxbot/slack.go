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

// startSlack builds the Slack adapter and checks its tokens (auth.test,
// and apps.connections.open in Socket Mode): a refused token stops the
// start; Slack out of reach does not, it is tried again in the background.
// It returns the DM sender, the HTTP routes (HTTP mode) or the Socket Mode
// connection, and the inbox-channel cards loop.
func startSlack(env adapterEnv) (adapter, error) {
	sc := env.cfg.Slack
	log := env.log.With("platform", "slack")
	a, err := slack.New(slack.Config{
		BotToken: sc.BotToken, SigningSecret: sc.SigningSecret, AppToken: sc.AppToken,
		InboxChannel: sc.InboxChannel, APIURL: sc.APIURL, IntakeChannels: sc.IntakeChannels,
		Service: env.service, Log: log,
		Registerer: env.metrics.Registry,
		Connected:  env.health.setter(inboxbot.PlatformSlack),
	})
	if err != nil {
		return adapter{}, err
	}
	check := func(ctx context.Context) error { _, err := a.Check(ctx); return err }
	checked, err := env.retry.firstTry("Slack", log, check)
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
		out.run = append(out.run, func(ctx context.Context) error {
			if !checked && env.retry.keepTrying(ctx, "Slack", log, check) != nil {
				return nil
			}
			env.retry.keepRunning(ctx, "Slack Socket Mode", log, a.Run)
			return nil
		})
		return out, nil
	}
	// In HTTP mode Slack is up once it accepted the bot token.
	out.run = append(out.run, func(ctx context.Context) error {
		if checked || env.retry.keepTrying(ctx, "Slack", log, check) == nil {
			env.health.set(inboxbot.PlatformSlack, true)
		}
		return nil
	})
	out.routes = a.Routes()
	return out, nil
}
