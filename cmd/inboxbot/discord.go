package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/bot/discord"
)

// startDiscord builds the Discord adapter, registers /inbox (in
// DISCORD_GUILD_ID when set, else globally; an idempotent overwrite, so
// every replica may do it) and returns its DM sender, its HTTP route when
// DISCORD_PUBLIC_KEY selects HTTP interactions, the inbox-card loop, and
// the gateway connection otherwise.
func startDiscord(env adapterEnv) (adapter, error) {
	c := env.cfg.Discord
	var pub ed25519.PublicKey
	if c.HTTPInteractions() {
		k, err := hex.DecodeString(c.PublicKey)
		if err != nil || len(k) != ed25519.PublicKeySize {
			return adapter{}, fmt.Errorf("DISCORD_PUBLIC_KEY must be 64 hex characters")
		}
		pub = k
	}
	b, err := discord.New(discord.Config{Token: c.BotToken, AppID: c.AppID, GuildID: c.GuildID,
		InboxChannel: c.InboxChannel, PublicKey: pub, APIURL: c.APIURL, ShardID: c.ShardID, ShardCount: c.ShardCount,
		Service: env.service, Log: env.log, Registerer: env.metrics.Registry})
	if err != nil {
		return adapter{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.Register(ctx); err != nil {
		return adapter{}, err
	}
	cards := &bot.Cards{Store: env.store, Platform: inboxbot.PlatformDiscord, Renderer: b, Owner: env.owner, Log: env.log,
		Grace: env.cfg.ShutdownTimeout}
	a := adapter{sender: b, run: []func(context.Context) error{cards.Run}}
	if c.HTTPInteractions() {
		a.routes = map[string]http.Handler{discord.Pattern: b.Handler()}
		a.run = append(a.run, func(ctx context.Context) error {
			<-ctx.Done()
			b.Wait()
			return nil
		})
	} else {
		a.run = append(a.run, b.Run)
	}
	return a, nil
}
