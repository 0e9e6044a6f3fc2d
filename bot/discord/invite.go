package discord

import (
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// Permissions are the channel permissions the bot needs for the features
// that are on: see the inbox channel (a private channel too, once the
// bot's role is added to it), post and edit cards with embeds, and read
// the history that replies refer to; with notes (gateway mode, where
// replies to a card are read), react to mark a reply kept as a note.
func Permissions(notes bool) int64 {
	p := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages | discordgo.PermissionEmbedLinks |
		discordgo.PermissionReadMessageHistory)
	if notes {
		p |= discordgo.PermissionAddReactions
	}
	return p
}

// InviteURL is the link that adds the bot of application appID to a server
// with the scopes it needs and Permissions(notes).
func InviteURL(appID string, notes bool) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot%%20applications.commands&permissions=%d",
		appID, Permissions(notes))
}
