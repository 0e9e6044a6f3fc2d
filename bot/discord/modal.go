package discord

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Discord's limits on a modal and its text inputs.
const (
	maxModalTitle     = 45
	maxInputLabel     = 45
	maxInputLength    = 4000
	maxInputHolder    = 100
	replyInputID      = "text"
	replyInputLabel   = "Your message to the contact"
	replyPlaceholder  = "The contact reads this. For a note only the team sees, reply to the card instead."
	replyOptionLength = maxInputLength
)

// replyModal is the form a Reply button opens: one paragraph for the
// message. Its custom_id carries the conversation, as a button's does,
// so the submission needs nothing remembered between the two.
func replyModal(id int64) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: customID(commands.ActionReply, id),
		Title:    truncate("Reply to the contact of "+inboxbot.Ref(id), maxModalTitle),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: replyInputID, Label: truncate(replyInputLabel, maxInputLabel),
				Style: discordgo.TextInputParagraph, Required: true, MinLength: 1, MaxLength: maxInputLength,
				Placeholder: truncate(replyPlaceholder, maxInputHolder)},
		}}},
	}}
}

// instant answers the interactions that must be answered at once, with no
// work behind them: a Reply button opens its modal, which Discord accepts
// only as the first response (never after a deferral). It reports false
// for everything else. When the contact cannot be reached the click goes
// the usual way, to the refusal that says why. The Contact support button
// opens its form the same way.
func (b *Adapter) instant(ctx context.Context, i *discordgo.Interaction) (*discordgo.InteractionResponse, bool) {
	if i.Type == discordgo.InteractionMessageComponent && i.MessageComponentData().CustomID == contactButtonID {
		return b.contactClick(), true
	}
	if i.Type != discordgo.InteractionMessageComponent {
		return nil, false
	}
	action, id, ok := parseCustomID(i.MessageComponentData().CustomID)
	if !ok || action != commands.ActionReply || !b.cfg.Service.ReplyOffered(ctx, id) {
		return nil, false
	}
	return replyModal(id), true
}

// modalSubmit sends the text of a submitted Reply form to the contact.
// The answer is for the writer alone: the outcome, or why it was refused.
func (b *Adapter) modalSubmit(ctx context.Context, i *discordgo.Interaction) answer {
	d := i.ModalSubmitData()
	if d.CustomID == contactFormID {
		return b.contactSubmit(ctx, i)
	}
	action, id, ok := parseCustomID(d.CustomID)
	if !ok || action != commands.ActionReply {
		m := message{Content: "⚠️ This form is not one of inboxbot's.", Ephemeral: true}
		return answer{resp: reply(m), followUp: &m}
	}
	req := b.request(i, "")
	r := b.cfg.Service.Act(ctx, commands.ActionRequest{Platform: inboxbot.PlatformDiscord, UserID: req.UserID,
		UserName: req.UserName, ConversationID: id, Action: commands.ActionReply, Text: modalText(d, replyInputID), Checks: req.Checks})
	m := renderResponse(r)
	m.Ephemeral = true
	return answer{resp: reply(m), followUp: &m}
}

// modalText is the value of the text input inputID in a submitted modal,
// "" when it is not there.
func modalText(d discordgo.ModalSubmitInteractionData, inputID string) string {
	for _, c := range d.Components {
		var row []discordgo.MessageComponent
		switch r := c.(type) {
		case *discordgo.ActionsRow:
			row = r.Components
		case discordgo.ActionsRow:
			row = r.Components
		}
		for _, in := range row {
			switch t := in.(type) {
			case *discordgo.TextInput:
				if t.CustomID == inputID {
					return strings.TrimSpace(t.Value)
				}
			case discordgo.TextInput:
				if t.CustomID == inputID {
					return strings.TrimSpace(t.Value)
				}
			}
		}
	}
	return ""
}

// replyTextOpt is the text option of /inbox reply: a sentence, not a
// word, as long as the Reply form allows (Discord would take 6000; the
// same limit on both paths keeps them the same).
func replyTextOpt() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "text",
		Description: fmt.Sprintf("What the contact reads (up to %d characters)", replyOptionLength), Required: true,
		MaxLength: replyOptionLength}
}
