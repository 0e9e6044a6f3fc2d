package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// maxChoices is the most suggestions Discord shows.
const maxChoices = 25

// maxChoiceName bounds a suggestion's label.
const maxChoiceName = 100

// autocomplete suggests open conversations whose number starts with what
// was typed so far, most recent first.
func (b *Adapter) autocomplete(ctx context.Context, i *discordgo.Interaction) *discordgo.InteractionResponse {
	typed := focused(i.ApplicationCommandData())
	convs, err := b.cfg.Service.Suggest(ctx, typed, maxChoices)
	if err != nil {
		b.log().Warn("discord: autocomplete failed", "err", err)
	}
	choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(convs))
	for _, c := range convs {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: choiceName(c), Value: c.ID})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}}
}

// choiceName is "#12 Jane Doe (sms): dana": choices are plain text, not
// markdown, so nothing is escaped.
func choiceName(c inboxbot.Conversation) string {
	return truncate(commands.Headline(c), maxChoiceName)
}

// focused is what was typed so far in the option being completed.
func focused(d discordgo.ApplicationCommandInteractionData) string {
	typed := ""
	opts := d.Options
	for len(opts) > 0 {
		var next []*discordgo.ApplicationCommandInteractionDataOption
		for _, o := range opts {
			if o != nil && o.Focused {
				typed = fmt.Sprint(o.Value)
			}
			if o != nil {
				next = append(next, o.Options...)
			}
		}
		opts = next
	}
	return typed
}
