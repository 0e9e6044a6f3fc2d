package discord

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// customIDPrefix starts the custom_id of every button and select the bot
// makes: "inbox:<action>:<conversation id>", such as "inbox:claim:12".
const customIDPrefix = "inbox:"

// customID is the custom_id of action on conversation id.
func customID(a commands.Action, id int64) string {
	return customIDPrefix + string(a) + ":" + strconv.FormatInt(id, 10)
}

// parseCustomID reads a custom_id made by customID.
func parseCustomID(s string) (commands.Action, int64, bool) {
	rest, ok := strings.CutPrefix(s, customIDPrefix)
	if !ok {
		return "", 0, false
	}
	a, idText, ok := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if ok && err == nil && id == 0 && a == string(commands.ActionWaiting) {
		return commands.ActionWaiting, 0, true // the alert digest's button: no conversation
	}
	if !ok || err != nil || id <= 0 {
		return "", 0, false
	}
	return commands.Action(a), id, true
}

// discordDate is a time as Discord shows it to each reader, relative:
// "in 5 minutes", "2 hours ago".
func discordDate(t time.Time) string { return fmt.Sprintf("<t:%d:R>", t.Unix()) }

// cardEmbed shows a conversation: contact, channel, lead source, tags,
// last message, assignee and followers.
func cardEmbed(c inboxbot.Conversation) *discordgo.MessageEmbed {
	ct := c.Contact
	e := &discordgo.MessageEmbed{
		Type:  discordgo.EmbedTypeRich,
		Title: truncate(fmt.Sprintf("%s %s", c.Ref(), escape(ct.DisplayName())), maxEmbedTitle),
		Color: colorWaiting,
	}
	if c.Origin != nil && strings.HasPrefix(c.Origin.URL, "https://") {
		// The title opens the customer's thread.
		e.URL = c.Origin.URL
	}
	if c.Preview != "" {
		e.Description = truncate("> "+escape(strings.Join(strings.Fields(c.Preview), " ")), maxDescription)
	}
	assignee := "Team inbox"
	switch {
	case c.Status != inboxbot.StatusOpen:
		e.Color = colorClosed
		assignee = orNone(escape(c.AssigneeName))
	case c.Assigned():
		e.Color = colorAssigned
		assignee = escape(c.AssigneeName)
	}
	followers := make([]string, len(c.Followers))
	for i, f := range c.Followers {
		followers[i] = escape(f.Name)
	}
	field := func(name, value string, inline bool) {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: name,
			Value: truncate(orNone(value), maxFieldValue), Inline: inline})
	}
	if c.ReplyFailed {
		e.Color = colorFailed
		// First, where nobody can miss it: the contact did not get the
		// team's last answer.
		field("⚠️ Reply not delivered", fmt.Sprintf("The last reply to the contact could not be delivered; `/inbox show %d` says why.", c.ID), false)
	}
	if line := commands.SLALine(c, escape, discordDate); line != "" {
		field("Service level", line, false)
	}
	if c.Status != inboxbot.StatusOpen {
		field("Status", strings.ToUpper(string(c.Status[:1]))+string(c.Status[1:]), false)
	}
	field("Contact", escape(contactLine(ct)), true)
	field("Channel", escape(c.Channel), true)
	field("Lead source", escape(ct.LeadSource), true)
	field("Tags", escape(strings.Join(ct.Tags, ", ")), true)
	field("Assignee", assignee, true)
	field("Followers", strings.Join(followers, ", "), true)
	if c.Subject != "" {
		field("Subject", escape(c.Subject), false)
	}
	return e
}

// contactLine is the contact's name and how to reach them.
func contactLine(ct inboxbot.Contact) string {
	parts := []string{ct.DisplayName()}
	for _, s := range []string{ct.Email, ct.Phone} {
		if s != "" && s != ct.DisplayName() {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " · ")
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// buttonStyles and labels of the actions.
var actionLabels = map[commands.Action]struct {
	label string
	style discordgo.ButtonStyle
}{
	commands.ActionShow:     {"Show", discordgo.SecondaryButton},
	commands.ActionClaim:    {"Claim", discordgo.PrimaryButton},
	commands.ActionUnassign: {"Unassign", discordgo.DangerButton},
	commands.ActionFollow:   {"Follow", discordgo.SecondaryButton},
	commands.ActionUnfollow: {"Unfollow", discordgo.SecondaryButton},
	commands.ActionReply:    {"Reply", discordgo.PrimaryButton},
	commands.ActionClose:    {"Close", discordgo.SecondaryButton},
	commands.ActionReopen:   {"Reopen", discordgo.SecondaryButton},
	commands.ActionWaiting:  {"List them", discordgo.PrimaryButton},
}

// lifecycle reports whether a is about the conversation itself (answer it,
// finish it, bring it back) rather than who holds it: those buttons get a
// row of their own, so a card reads as "who has it" above "what to do
// with it", and six buttons never crowd one row of five.
func lifecycle(a commands.Action) bool {
	return a == commands.ActionReply || a == commands.ActionClose || a == commands.ActionReopen
}

// actionRows turns actions into components: a row of the buttons about
// who holds the conversation, a row of Reply, Close and Reopen, and Assign
// as a user select on a row of its own. Rows hold at most five buttons
// and a message at most five rows.
func actionRows(id int64, actions []commands.Action) []discordgo.MessageComponent {
	var hands, conv, rows []discordgo.MessageComponent
	assign := false
	for _, a := range actions {
		l, ok := actionLabels[a]
		switch {
		case a == commands.ActionAssign:
			assign = true
		case !ok:
		case lifecycle(a) && len(conv) < maxButtons:
			conv = append(conv, discordgo.Button{Label: truncate(l.label, maxLabel), Style: l.style, CustomID: customID(a, id)})
		case !lifecycle(a) && len(hands) < maxButtons:
			hands = append(hands, discordgo.Button{Label: truncate(l.label, maxLabel), Style: l.style, CustomID: customID(a, id)})
		}
	}
	for _, row := range [][]discordgo.MessageComponent{hands, conv} {
		if len(row) > 0 {
			rows = append(rows, discordgo.ActionsRow{Components: row})
		}
	}
	if assign {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
			MenuType: discordgo.UserSelectMenu, CustomID: customID(commands.ActionAssign, id),
			Placeholder: truncate(fmt.Sprintf("Assign %s to…", inboxbot.Ref(id)), maxPlaceholder), MaxValues: 1,
		}}})
	}
	return rows[:min(len(rows), maxRows)]
}

// cardMessage is the inbox-channel card of c; replies says whether replies
// to contacts are on.
func cardMessage(c inboxbot.Conversation, replies bool) message {
	return message{Embeds: []*discordgo.MessageEmbed{cardEmbed(c)}, Components: actionRows(c.ID, commands.CardActions(c, replies))}
}

// RenderCard posts the conversation's card in the inbox channel, or edits
// it when it was posted before. It is the bot.CardRenderer of Discord: a
// card someone deleted is bot.ErrCardGone, and the card loop posts it anew.
func (b *Adapter) RenderCard(ctx context.Context, job store.CardJob) (inboxbot.Card, error) {
	card := job.Card
	b.joinAssignee(ctx, job.Conversation)
	m := cardMessage(job.Conversation, b.cfg.Service.CanReply(job.Conversation.Origin))
	if card.MessageID != "" {
		channel := card.Channel
		if channel == "" {
			channel = b.inbox
		}
		_, err := b.session.ChannelMessageEditComplex(m.edit(channel, card.MessageID), discordgo.WithContext(ctx))
		switch {
		case unknownMessage(err):
			return card, fmt.Errorf("edit card of %s: %w", job.Conversation.Ref(), bot.ErrCardGone)
		case err != nil:
			return card, fmt.Errorf("edit card of %s: %w", job.Conversation.Ref(), cardError(err))
		}
		return card, nil
	}
	msg, err := b.sendOnce(ctx, b.inbox, m, cardNonce(job))
	if err != nil {
		return card, fmt.Errorf("post card of %s: %w", job.Conversation.Ref(), cardError(err))
	}
	card.Channel, card.MessageID = msg.ChannelID, msg.ID
	if card.Channel == "" {
		card.Channel = b.inbox
	}
	return card, nil
}
