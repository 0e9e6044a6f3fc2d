package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identity is who the bot is in Discord, as GET /users/@me tells: its
// user id, which marks the messages the bot wrote itself; and the guild it
// serves: DISCORD_GUILD_ID, else the guild of DISCORD_INBOX_CHANNEL (GET
// /channels/{id}).
type Identity struct {
	BotUserID string
	GuildID   string
}

// RefusedError is an answer of Discord's that only an operator can fix:
// the bot token refused, or /inbox refused for the application or guild.
// Trying again does not help. Variable names the environment variable to
// check.
type RefusedError struct {
	Variable string
	// Status is Discord's HTTP status (or gateway close code).
	Status int
	// Hint says what to do.
	Hint string
}

// Error names the variable and says what to do, without the token.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("Discord refused %s (%d): %s", e.Variable, e.Status, e.Hint)
}

// closeAuthenticationFailed is the gateway's close code for a bad token.
const closeAuthenticationFailed = 4004

// refused turns an answer that names a configuration mistake into a
// *RefusedError: 401 (or gateway close 4004) is the token; a 403 or 404
// on registering /inbox is the application or guild. Anything else (the
// network, 5xx, 429) is returned as it is, to be tried again.
func refused(err error, registering bool) error {
	var re *discordgo.RESTError
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized,
		errors.As(err, &ce) && ce.Code == closeAuthenticationFailed:
		return &RefusedError{Variable: "DISCORD_BOT_TOKEN", Status: http.StatusUnauthorized,
			Hint: "check that it is the current bot token of the application (Developer Portal, Bot, Reset Token)"}
	case registering && re != nil && re.Response != nil &&
		(re.Response.StatusCode == http.StatusForbidden || re.Response.StatusCode == http.StatusNotFound):
		return &RefusedError{Variable: "DISCORD_APP_ID and DISCORD_GUILD_ID", Status: re.Response.StatusCode,
			Hint: "check that DISCORD_APP_ID is this bot's application and that the bot was invited to DISCORD_GUILD_ID with the applications.commands scope"}
	}
	return err
}

// Check asks Discord who the bot is (GET /users/@me) and, without
// DISCORD_GUILD_ID, which guild the inbox channel is in (GET
// /channels/{id}): the guild whose interactions it answers. A refused token is
// a *RefusedError naming DISCORD_BOT_TOKEN; any other error means Discord
// could not be asked. On success the identity is kept for Identity.
func (b *Adapter) Check(ctx context.Context) (Identity, error) {
	u, err := b.session.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return Identity{}, fmt.Errorf("discord: GET /users/@me: %w", refused(err, false))
	}
	id := Identity{BotUserID: u.ID, GuildID: b.cfg.GuildID}
	if id.GuildID == "" {
		ch, err := b.session.Channel(b.inbox, discordgo.WithContext(ctx))
		var re *discordgo.RESTError
		if errors.As(err, &re) && re.Response != nil &&
			(re.Response.StatusCode == http.StatusForbidden || re.Response.StatusCode == http.StatusNotFound) {
			return Identity{}, &RefusedError{Variable: "DISCORD_INBOX_CHANNEL", Status: re.Response.StatusCode,
				Hint: "check that it is the id of a text channel the bot can see, or set DISCORD_GUILD_ID"}
		}
		if err != nil {
			return Identity{}, fmt.Errorf("discord: GET /channels/{DISCORD_INBOX_CHANNEL}: %w", refused(err, false))
		}
		if ch.GuildID == "" {
			return Identity{}, &RefusedError{Variable: "DISCORD_INBOX_CHANNEL", Status: http.StatusOK,
				Hint: "it is not a channel of a server; give the id of a text channel of the server the team works in"}
		}
		id.GuildID = ch.GuildID
	}
	b.identity.Store(&id)
	return id, nil
}

// Identity is the bot's identity from the last successful Check; ok is
// false until one succeeded.
func (b *Adapter) Identity() (id Identity, ok bool) {
	if p := b.identity.Load(); p != nil {
		return *p, true
	}
	return Identity{}, false
}

// watchConnection tells Config.Connected when the gateway connection comes
// up (discordgo's Connect, also after it reconnected by itself) and goes
// down (Disconnect). It returns a function that stops watching.
func (b *Adapter) watchConnection() func() {
	if b.cfg.Connected == nil {
		return func() {}
	}
	up := b.session.AddHandler(func(*discordgo.Session, *discordgo.Connect) { b.cfg.Connected(true) })
	down := b.session.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { b.cfg.Connected(false) })
	return func() { up(); down(); b.cfg.Connected(false) }
}
