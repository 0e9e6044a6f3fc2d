package discord

import (
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Discord's limits on what a message may carry. The renderer cuts to
// them, so an unusual name or a long list never makes Discord refuse a
// message.
const (
	maxContent     = 2000
	maxEmbedTitle  = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxRows        = 5
	maxButtons     = 5
	maxCustomID    = 100
	maxLabel       = 80
	maxPlaceholder = 150
	// maxListLines keeps a list's lines within the description: 25
	// conversations of at most maxListLine characters each.
	maxListLine = 150
)

// Embed colours: the Team inbox waits (amber), someone has it (green),
// closed (grey), the last reply was not delivered (red).
const (
	colorWaiting  = 0xF0B232
	colorAssigned = 0x23A55A
	colorClosed   = 0x80848E
	colorFailed   = 0xDA373C
)

// message is what the bot says, before it becomes one of discordgo's
// request types (interaction response, follow-up, channel message, edit).
type message struct {
	Content    string
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Ephemeral  bool
	// Ping is the one user a channel message may ping: the contact, in
	// their own intake thread. Empty pings nobody.
	Ping string
}

// noMentions is set on every message: nothing the bot posts pings anyone,
// whatever the text says.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

func (m message) flags() discordgo.MessageFlags {
	if m.Ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// data is m as the data of an interaction response (types 4 and 7).
func (m message) data() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{Content: m.Content, Embeds: nonNilEmbeds(m.Embeds),
		Components: nonNilComponents(m.Components), AllowedMentions: noMentions(), Flags: m.flags()}
}

// webhook is m as a follow-up message.
func (m message) webhook() *discordgo.WebhookParams {
	return &discordgo.WebhookParams{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
		AllowedMentions: noMentions(), Flags: m.flags()}
}

// send is m as a new channel message.
func (m message) send() *discordgo.MessageSend {
	mentions := noMentions()
	if m.Ping != "" {
		mentions.Users = []string{m.Ping}
	}
	return &discordgo.MessageSend{Content: m.Content, Embeds: m.Embeds, Components: m.Components,
		AllowedMentions: mentions}
}

// edit is m replacing the message id in channel.
func (m message) edit(channel, id string) *discordgo.MessageEdit {
	embeds, comps := nonNilEmbeds(m.Embeds), nonNilComponents(m.Components)
	return &discordgo.MessageEdit{ID: id, Channel: channel, Content: &m.Content, Embeds: &embeds,
		Components: &comps, AllowedMentions: noMentions()}
}

// Empty lists clear a message's embeds and components; nil would leave
// the old ones on an edit.
func nonNilEmbeds(e []*discordgo.MessageEmbed) []*discordgo.MessageEmbed {
	if e == nil {
		return []*discordgo.MessageEmbed{}
	}
	return e
}

func nonNilComponents(c []discordgo.MessageComponent) []discordgo.MessageComponent {
	if c == nil {
		return []discordgo.MessageComponent{}
	}
	return c
}

// renderResponse turns a command's response into a message: the title and
// text as content, one conversation as an embed with the asker's buttons,
// several as compact lines in one embed (a list of 25 fits one message).
func renderResponse(r commands.Response) message {
	m := message{Ephemeral: r.Ephemeral || r.Outcome != commands.OK}
	if r.Outcome != commands.OK {
		m.Content = "⚠️ " + escape(r.Error)
		if r.Usage != "" {
			m.Content += "\nUsage: `" + strings.ReplaceAll(r.Usage, "`", "'") + "`"
		}
		m.Content = truncate(m.Content, maxContent)
		return m
	}
	var parts []string
	if r.Title != "" {
		parts = append(parts, "**"+escape(r.Title)+"**")
	}
	switch len(r.Cards) {
	case 0:
		if r.Text != "" {
			parts = append(parts, escape(r.Text))
		}
	case 1:
		c := r.Cards[0]
		e := cardEmbed(c.Conversation)
		if r.Text != "" {
			// show: its text is the whole story; the fields would repeat it.
			e.Description, e.Fields = truncate(escape(r.Text), maxDescription), nil
		}
		m.Embeds = []*discordgo.MessageEmbed{e}
		m.Components = actionRows(c.Conversation.ID, c.Actions)
	default:
		if r.Text != "" {
			parts = append(parts, escape(r.Text))
		}
		m.Embeds = []*discordgo.MessageEmbed{listEmbed(r.Cards)}
	}
	m.Content = truncate(strings.Join(parts, "\n"), maxContent)
	return m
}

// listEmbed shows conversations one line each, most recent first as the
// command listed them.
func listEmbed(cs []commands.Card) *discordgo.MessageEmbed {
	var b strings.Builder
	for i, c := range cs {
		line := truncate(listLine(c.Conversation), maxListLine)
		if length(b.String())+length(line)+1 > maxDescription {
			fmt.Fprintf(&b, "… and %d more", len(cs)-i)
			break
		}
		b.WriteString(line + "\n")
	}
	return &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Description: strings.TrimRight(b.String(), "\n")}
}

// listLine is "**#12** Jane Doe · sms · dana · “Hi, I need a quote”".
func listLine(c inboxbot.Conversation) string {
	who := escape(commands.Holder(c))
	if c.Status != inboxbot.StatusOpen {
		who += " · " + string(c.Status)
	}
	line := fmt.Sprintf("**%s** %s · %s · %s", c.Ref(), escape(c.Contact.DisplayName()), escape(c.Channel), who)
	if c.Preview != "" {
		line += " · " + quote(c.Preview)
	}
	return line
}
