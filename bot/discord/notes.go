package discord

import (
	"context"
	"errors"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// messageIntents are what notes need: messages in the guild's channels
// (GUILD_MESSAGES) and their text (MESSAGE_CONTENT, a privileged intent
// the application's owner turns on in the developer portal).
const messageIntents = discordgo.IntentsGuildMessages | discordgo.IntentsMessageContent

// closeDisallowedIntents is the gateway's close code for an intent the
// application may not ask for: Message Content is off in the portal.
const closeDisallowedIntents = 4014

// noteMark is the reaction that tells the writer a reply to a card was
// kept as an internal note (and that the contact does not see it).
const noteMark = "📝"

// Outcomes of a message in the inbox channel, as counted in metrics.
const (
	noteStored  = "note"
	noteIgnored = "ignored"
	noteRefused = "refused"
	// noteDuplicate is a message already handled (another session's).
	noteDuplicate = "duplicate"
)

// open connects to the gateway asking for the message intents, so that
// replies to cards become notes. When Discord refuses them (Message
// Content is not enabled for the application) it connects without, and
// says once that notes are off: the rest of the bot is worth more than
// notes.
func (b *Adapter) open() error {
	b.session.Identify.Intents = discordgo.IntentsGuilds | messageIntents
	if b.cfg.SupportChannel != "" {
		b.session.Identify.Intents |= intakeIntents
	}
	err := b.session.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != closeDisallowedIntents {
		return err
	}
	b.log().Warn("discord: the Message Content intent is not enabled for this application; " +
		"replies to cards will not become notes, and customers' words in support threads will not reach the inbox, " +
		"until it is turned on in the developer portal (Bot, Privileged Gateway Intents)")
	b.session.Identify.Intents = discordgo.IntentsGuilds
	if b.cfg.SupportChannel != "" {
		// DMs carry their text without the intent.
		b.session.Identify.Intents |= intakeIntents
	}
	return b.session.Open()
}

// onMessage keeps a human's reply to a card in the inbox channel as an
// internal note on the card's conversation, written by that person (a
// member from then on, as with a first command). It is never sent to the
// contact. Everything else said in the channel, and whatever bots say, is
// none of the bot's business.
func (b *Adapter) onMessage(ctx context.Context, m *discordgo.Message) string {
	if m != nil && m.ChannelID != b.inbox {
		return b.onIntakeMessage(ctx, m)
	}
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.System ||
		m.WebhookID != "" || m.MessageReference == nil || m.MessageReference.MessageID == "" {
		return noteIgnored
	}
	text := strings.TrimSpace(m.Content)
	if text == "" {
		// An attachment alone, or the Message Content intent is off.
		return noteIgnored
	}
	conv, err := b.cfg.Service.Store.CardConversation(ctx, inboxbot.PlatformDiscord, m.MessageReference.MessageID)
	if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
		return noteIgnored
	}
	if err != nil {
		b.log().Error("discord: finding the card of a reply failed", "message", m.ID, "err", err)
		return noteRefused
	}
	if !b.firstDelivery(ctx, "message", m.ID) {
		return noteDuplicate
	}
	req := commands.Request{Platform: inboxbot.PlatformDiscord, UserID: m.Author.ID, UserName: displayName(m.Author, m.Member)}
	if r := b.cfg.Service.Note(ctx, req, conv, text); r.Outcome != commands.OK {
		b.log().Warn("discord: a reply to a card was not kept as a note", "conversation", conv, "message", m.ID, "why", r.Error)
		return noteRefused
	}
	if err := b.session.MessageReactionAdd(m.ChannelID, m.ID, noteMark, discordgo.WithContext(ctx)); err != nil {
		b.log().Warn("discord: marking a note failed", "message", m.ID, "err", restError(err))
	}
	return noteStored
}
