package discord

import (
	"context"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Outcomes of a message in a support thread or a DM, as counted in
// metrics beside the notes'.
const (
	intakeInbound = "inbound"
	intakeReply   = "reply"
)

// intakeIntents are what customers' messages need besides the guild's
// messages: their DMs to the bot.
const intakeIntents = discordgo.IntentsDirectMessages

// onIntakeMessage handles a person's message outside the inbox channel
// when Contact support is on: in a thread that opened a conversation, the
// contact's words join it and anyone else's are a reply already delivered
// (recorded, never sent again); a DM from someone who is not a member
// opens or continues their conversation. A message delivered twice (a
// resumed session, a second session) is stored once: the store knows it
// by its id.
func (b *Adapter) onIntakeMessage(ctx context.Context, m *discordgo.Message) string {
	if b.cfg.SupportChannel == "" || m.Author == nil || m.Author.Bot || m.Author.System || m.WebhookID != "" ||
		(m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply) {
		return noteIgnored
	}
	text := strings.TrimSpace(m.Content)
	if text == "" {
		// An attachment or sticker alone: nothing to keep as text.
		return noteIgnored
	}
	if m.GuildID == "" {
		return b.onDirectMessage(ctx, m, text)
	}
	conv, err := b.cfg.Service.Store.ConversationByOrigin(ctx, inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: m.ChannelID})
	if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
		return noteIgnored
	}
	if err != nil {
		b.log().Error("discord: finding the conversation of a thread failed", "thread", m.ChannelID, "err", err)
		return noteRefused
	}
	if conv.Contact.ExternalID == contactID(m.Author.ID) {
		return b.intakeInbound(ctx, m, text, *conv.Origin)
	}
	req := commands.Request{Platform: inboxbot.PlatformDiscord, UserID: m.Author.ID, UserName: displayName(m.Author, m.Member),
		Team: m.GuildID, People: resolved{users: map[string]*discordgo.User{m.Author.ID: m.Author},
			members: map[string]*discordgo.Member{m.Author.ID: m.Member}}}
	if b.cfg.AgentRole != "" && (m.Member == nil || !slices.Contains(m.Member.Roles, b.cfg.AgentRole)) {
		// Someone else who can see the thread (a moderator with Manage
		// Threads) joins as an agent only with the role, as with /inbox.
		req.NoJoin = needsRole
	}
	if r := b.cfg.Service.ThreadReply(ctx, req, *conv.Origin, messageID(m.ChannelID, m.ID), text); r.Outcome != commands.OK {
		b.log().Warn("discord: a message in a support thread was not recorded as a reply", "conversation", conv.ID,
			"message", m.ID, "why", r.Error)
		return noteRefused
	}
	return intakeReply
}

// onDirectMessage opens or continues the conversation of a DM channel,
// for someone who is not a member (members' DMs to the bot are theirs).
func (b *Adapter) onDirectMessage(ctx context.Context, m *discordgo.Message, text string) string {
	_, err := b.cfg.Service.Store.MemberByPlatform(ctx, inboxbot.PlatformDiscord, m.Author.ID)
	switch {
	case err == nil:
		return noteIgnored
	case inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND:
		b.log().Error("discord: looking up the writer of a DM failed", "err", err)
		return noteRefused
	}
	return b.intakeInbound(ctx, m, text, inboxbot.Origin{Platform: inboxbot.PlatformDiscord, Channel: m.ChannelID,
		URL: threadURL("", m.ChannelID)})
}

// intakeInbound adds the contact's message m to the conversation of origin
// (opening it for a first DM).
func (b *Adapter) intakeInbound(ctx context.Context, m *discordgo.Message, text string, origin inboxbot.Origin) string {
	in := inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: string(inboxbot.PlatformDiscord),
		Contact:   inboxbot.Contact{ExternalID: contactID(m.Author.ID), Name: displayName(m.Author, m.Member)},
		MessageID: messageID(m.ChannelID, m.ID), Body: text, SentAt: m.Timestamp, Origin: &origin}
	res, err := b.cfg.Service.Inbound(ctx, in)
	switch {
	case err != nil:
		b.log().Error("discord: a customer's message was not stored", "channel", m.ChannelID, "message", m.ID, "err", err)
		return noteRefused
	case res.Duplicate:
		return noteDuplicate
	}
	return intakeInbound
}
