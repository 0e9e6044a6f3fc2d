package discord

import (
	"context"
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Refusals of interactions from outside this installation, as people read them.
const (
	otherApp     = "This interaction was meant for another application, so inboxbot did nothing."
	otherGuild   = "inboxbot serves only its team's server; it does nothing here."
	notReady     = "inboxbot has not yet confirmed which server it serves (Discord was unreachable); try again in a minute."
	dmOnlyTheirs = "In direct messages inboxbot acts only on the notifications it sent you, and only for the member they were sent to."
	needsRole    = "Only people with the agent role can start using inboxbot; ask an admin to give you the role."
)

// guild is the guild this installation serves: DISCORD_GUILD_ID, else the
// inbox channel's as Check found it ("" until then).
func (b *Adapter) guild() string {
	if b.cfg.GuildID != "" {
		return b.cfg.GuildID
	}
	id, _ := b.Identity()
	return id.GuildID
}

// checks is the one place an interaction is tied to this installation and
// to its first delivery, before anything runs. Another application, another
// guild, or a direct message other than a click on a notification the bot
// sent there (a bot DM's channel is the clicker's own, so the notification
// was sent to them) is an outsider. In a direct message only an existing
// member acts (NoJoin); in the guild, with DISCORD_AGENT_ROLE set, only
// people with that role join on first use. With record, an interaction id
// seen before is a repeat (HTTP interactions; the gateway records its own
// in Run, where a repeat is another session's to answer). Recording is one
// statement; when the store cannot, the interaction runs.
func (b *Adapter) checks(ctx context.Context, i *discordgo.Interaction, record bool) commands.Checks {
	var c commands.Checks
	switch {
	case i.AppID != b.cfg.AppID:
		b.log().Warn("discord: refused an interaction for another application", "application_id", truncate(i.AppID, 40))
		return commands.Checks{Outsider: otherApp}
	case i.GuildID == "":
		if !b.notificationClick(i) {
			return commands.Checks{Outsider: dmOnlyTheirs}
		}
		c.NoJoin = dmOnlyTheirs
	case b.guild() == "":
		return commands.Checks{Outsider: notReady}
	case i.GuildID != b.guild():
		b.log().Info("discord: refused an interaction from another guild", "guild_id", truncate(i.GuildID, 40))
		return commands.Checks{Outsider: otherGuild}
	case b.cfg.AgentRole != "" && (i.Member == nil || !slices.Contains(i.Member.Roles, b.cfg.AgentRole)):
		c.NoJoin = needsRole
	}
	if record && i.ID != "" {
		c.Repeat = !b.firstDelivery(ctx, "interaction", i.ID)
	}
	return c
}

// notificationClick reports whether a direct-message interaction is a
// click (or the form a click opened) on a message of the bot's in the
// clicker's own DM with the bot.
func (b *Adapter) notificationClick(i *discordgo.Interaction) bool {
	if i.Context != discordgo.InteractionContextBotDM || i.Message == nil {
		return false
	}
	if i.Type != discordgo.InteractionMessageComponent && i.Type != discordgo.InteractionModalSubmit {
		return false
	}
	if id, ok := b.Identity(); ok && (i.Message.Author == nil || i.Message.Author.ID != id.BotUserID) {
		return false
	}
	return true
}

// refusal answers an interaction that must change nothing (an outsider or
// a repeat) with what commands says of it, or with no suggestions for
// autocomplete.
func (b *Adapter) refusal(ctx context.Context, i *discordgo.Interaction, c commands.Checks) *discordgo.InteractionResponse {
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	}
	u, _ := invoker(i)
	m := renderResponse(b.cfg.Service.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformDiscord, UserID: u, Checks: c}))
	m.Ephemeral = true
	return reply(m)
}

// strangerSuggestions reports whether i asks for suggestions (which name
// contacts) on behalf of someone who may not join and is no member: they
// get none. Autocomplete runs no command, so commands cannot refuse it.
func (b *Adapter) strangerSuggestions(ctx context.Context, i *discordgo.Interaction, c commands.Checks) bool {
	if c.NoJoin == "" || i.Type != discordgo.InteractionApplicationCommandAutocomplete {
		return false
	}
	u, _ := invoker(i)
	_, err := b.cfg.Service.Store.MemberByPlatform(ctx, inboxbot.PlatformDiscord, u)
	return err != nil
}
