package discord

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// request is a commands.Request for the person behind i.
func (b *Adapter) request(i *discordgo.Interaction, text string) commands.Request {
	u, name := invoker(i)
	return commands.Request{Platform: inboxbot.PlatformDiscord, UserID: u, UserName: name, Text: text, Team: i.GuildID}
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
}

// Person is the resolved user id (commands.People).
func (r resolved) Person(_ context.Context, id string) (commands.Person, error) {
	u := r.users[id]
	if u == nil {
		return commands.Person{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "Discord did not say who that is.")
	}
	return commands.Person{ID: id, Name: displayName(u, r.members[id]), Bot: u.Bot}, nil
}
