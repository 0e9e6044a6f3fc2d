package discord

import (
	"context"
	"slices"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// request is a commands.Request for the person behind i, who may join
// on first use as checks says (handle has refused outsiders already, so
// i.GuildID is our guild or "" for a notification in a DM).
func (b *Adapter) request(i *discordgo.Interaction, text string) commands.Request {
	u, name := invoker(i)
	c := b.checks(context.Background(), i, false)
	return commands.Request{Platform: inboxbot.PlatformDiscord, UserID: u, UserName: name, Text: text, Team: i.GuildID,
		Checks: commands.Checks{NoJoin: c.NoJoin}}
}

// invoker is the user id behind an interaction and the name a new member
// is given: the server nickname, else the global display name, else the
// username.
func invoker(i *discordgo.Interaction) (string, string) {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID, displayName(i.Member.User, i.Member)
	}
	if i.User != nil {
		return i.User.ID, displayName(i.User, nil)
	}
	return "", ""
}

func displayName(u *discordgo.User, m *discordgo.Member) string {
	switch {
	case m != nil && m.Nick != "":
		return m.Nick
	case u == nil:
		return ""
	case u.GlobalName != "":
		return u.GlobalName
	}
	return u.Username
}

// resolved are the users an interaction carried, as Discord resolved them
// (commands.People): whoever was picked in a select or named in an option.
type resolved struct {
	users   map[string]*discordgo.User
	members map[string]*discordgo.Member
	// role, when set, is DISCORD_AGENT_ROLE: someone picked joins only
	// with it.
	role string
}

// Person is the resolved user id (commands.People).
func (r resolved) Person(_ context.Context, id string) (commands.Person, error) {
	u := r.users[id]
	if u == nil {
		return commands.Person{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "Discord did not say who that is.")
	}
	m := r.members[id]
	if r.role != "" && !u.Bot && (m == nil || !slices.Contains(m.Roles, r.role)) {
		return commands.Person{}, inboxbot.Errorf(inboxbot.EFORBIDDEN, "%s does not have the agent role, so they cannot take conversations.",
			displayName(u, m))
	}
	return commands.Person{ID: id, Name: displayName(u, m), Bot: u.Bot}, nil
}
