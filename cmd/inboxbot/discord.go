package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord"
)

// startDiscord builds the Discord adapter, checks the token (GET
// /users/@me) and registers /inbox (in DISCORD_GUILD_ID when set, else
// globally; an idempotent overwrite, so every replica may do it), and
// keeps the Contact support panel in DISCORD_SUPPORT_CHANNEL. A
// refused token or application stops the start; Discord out of reach does
// not: both are tried again in the background, and the gateway connects
// once they succeed. It returns the DM sender, the HTTP route when
// DISCORD_PUBLIC_KEY selects HTTP interactions, the inbox-card loop, and
// the gateway connection otherwise.
func startDiscord(env adapterEnv) (adapter, error) {
	c := env.cfg.Discord
	log := env.log.With("platform", "discord")
	var pub ed25519.PublicKey
	if c.HTTPInteractions() {
		k, err := hex.DecodeString(c.PublicKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return adapter{}, fmt.Errorf("DISCORD_PUBLIC_KEY must be 64 hex characters")
		}
		pub = k
	}
	cfg := discord.Config{Token: c.BotToken, AppID: c.AppID, GuildID: c.GuildID, AgentRole: c.AgentRole,
		InboxChannel: c.InboxChannel, SupportChannel: c.SupportChannel, PublicKey: pub, APIURL: c.APIURL, ShardID: c.ShardID, ShardCount: c.ShardCount,
		Service: env.service, Log: env.log, Registerer: env.metrics.Registry}
	if !c.HTTPInteractions() {
		cfg.Connected = env.health.setter(inboxbot.PlatformDiscord)
	}
	b, err := discord.New(cfg)
	if err != nil {
		return adapter{}, err
	}
	up := func(ctx context.Context) error {
		if _, err := b.Check(ctx); err != nil {
			return err
		}
		if err := b.Register(ctx); err != nil {
			return err
		}
		return b.Panel(ctx)
	}
	ready, err := env.retry.firstTry("Discord", log, up)
	if err != nil {
		return adapter{}, err
	}
	log.Info("to add the bot to a server (and give its role to a private inbox channel), open " +
		discord.InviteURL(c.AppID, discord.Features{Notes: !c.HTTPInteractions(), Intake: c.SupportChannel != ""}))
	cards := &bot.Cards{Store: env.store, Platform: inboxbot.PlatformDiscord, Renderer: b, Owner: env.owner, Log: env.log,
		Grace: env.cfg.ShutdownTimeout}
	alerts := &bot.Digests{Store: env.store, Platform: inboxbot.PlatformDiscord, Renderer: b, Owner: env.owner, Log: env.log,
		After: env.cfg.UnassignedAlertAfter, Grace: env.cfg.ShutdownTimeout}
	a := adapter{sender: b, run: []func(context.Context) error{cards.Run, alerts.Run}}
	if c.HTTPInteractions() {
		a.routes = b.Routes()
		a.run = append(a.run, func(ctx context.Context) error {
			// With HTTP interactions Discord is up once /inbox is registered.
			if ready || env.retry.keepTrying(ctx, "Discord", log, up) == nil {
				env.health.set(inboxbot.PlatformDiscord, true)
			}
			<-ctx.Done()
			b.Wait()
			return nil
		})
		return a, nil
	}
	a.run = append(a.run, func(ctx context.Context) error {
		if !ready && env.retry.keepTrying(ctx, "Discord", log, up) != nil {
			return nil
		}
		env.retry.keepRunning(ctx, "Discord gateway", log, b.Run)
		return nil
	})
	return a, nil
}
