package discord

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// Features are the parts of the adapter that are on, which decide the
// permissions the bot asks for.
type Features struct {
	// Notes: gateway mode, where replies to a card are read as notes.
	Notes bool
	// Intake: DISCORD_SUPPORT_CHANNEL, where each request is a private
	// thread the bot creates, posts in, adds people to, and locks.
	Intake bool
}

// Permissions are the channel permissions the bot needs for the features
// that are on: see the inbox channel (a private channel too, once the
// bot's role is added to it), post and edit cards with embeds, and read
// the history that replies refer to; with notes, react to mark a reply
// kept as a note; with intake, create private threads, post in them, and
// manage them (add the assignee, archive and lock on close).
func Permissions(f Features) int64 {
	p := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks |
		discordgo.PermissionReadMessageHistory)
	if f.Notes {
		p |= discordgo.PermissionAddReactions
	}
	if f.Intake {
		p |= discordgo.PermissionCreatePrivateThreads | discordgo.PermissionSendMessagesInThreads | discordgo.PermissionManageThreads
	}
	return p
}

// InviteURL is the link that adds the bot of application appID to a server
// with the scopes it needs and Permissions(f).
func InviteURL(appID string, f Features) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot%%20applications.commands&permissions=%d",
		appID, Permissions(f))
}
