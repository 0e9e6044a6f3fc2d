package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/bot"
)

// The Contact support panel and its form (DISCORD_SUPPORT_CHANNEL).
const (
	// contactButtonID is the panel's button; contactFormID its modal.
	contactButtonID = "intake:contact"
	contactFormID   = "intake:form"
	topicInputID    = "topic"
	bodyInputID     = "message"
	// maxTopic is a thread name's limit. maxIntakeBody keeps the message,
	// even escaped (at most twice as long), within an embed description.
	maxTopic      = 100
	maxIntakeBody = 2000
	// panelScan is how many of the support channel's latest messages are
	// looked through for the panel.
	panelScan = 50
	// archiveAfter is the threads' auto-archive duration in minutes (a
	// week, the longest): a quiet request does not disappear from the
	// customer's list while the team still works on it.
	archiveAfter = 10080
)

// panelMessage is the Contact support panel.
func panelMessage() message {
	return message{
		Embeds: []*discordgo.MessageEmbed{{Type: discordgo.EmbedTypeRich, Title: "Contact support", Color: colorWaiting,
			Description: "Click **Contact support** to write to the team. Your request opens a private thread " +
				"that only you and the team can see; the team answers there."}},
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{CustomID: contactButtonID, Label: "Contact support", Style: discordgo.PrimaryButton},
		}}},
	}
}

// contactForm is the modal the panel's button opens: a topic (the
// thread's name) and the message.
func contactForm() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: contactFormID,
		Title:    "Contact support",
		Components: []discordgo.MessageComponent{
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: topicInputID, Label: "Topic", Style: discordgo.TextInputShort,
					Required: true, MinLength: 1, MaxLength: maxTopic, Placeholder: "What is it about?"}}},
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: bodyInputID, Label: "Your message", Style: discordgo.TextInputParagraph,
					Required: true, MinLength: 1, MaxLength: maxIntakeBody, Placeholder: "Tell the team what you need."}}},
		},
	}}
}

// Panel makes sure the support channel holds the Contact support panel:
// it looks for the bot's own panel among the channel's latest messages
// and posts one only when there is none. Two replicas starting at once
// post with the same nonce, so Discord keeps one panel. Without a
// support channel it does nothing.
func (b *Adapter) Panel(ctx context.Context) error {
	channel := b.cfg.SupportChannel
	if channel == "" {
		return nil
	}
	found, err := b.findPanel(ctx, channel)
	if err != nil {
		return fmt.Errorf("discord: look for the Contact support panel in DISCORD_SUPPORT_CHANNEL: %w", supportError(err))
	}
	if found != "" {
		return nil
	}
	m, err := b.sendOnce(ctx, channel, panelMessage(), panelNonce(channel))
	if err != nil {
		return fmt.Errorf("discord: post the Contact support panel in DISCORD_SUPPORT_CHANNEL: %w", supportError(err))
	}
	b.log().Info("discord: posted the Contact support panel", "channel", channel, "message", m.ID)
	return nil
}

// panelNonce is the nonce of the panel's post in channel: the same on
// every replica.
func panelNonce(channel string) string {
	return "p" + channel[max(0, len(channel)-(maxNonce-1)):]
}

// findPanel returns the id of the bot's panel in channel, or "".
func (b *Adapter) findPanel(ctx context.Context, channel string) (string, error) {
	msgs, err := b.session.ChannelMessages(channel, panelScan, "", "", "", discordgo.WithContext(ctx))
	if err != nil {
		return "", err
	}
	me, _ := b.Identity()
	for _, m := range msgs {
		if m.Author == nil || !m.Author.Bot || (me.BotUserID != "" && m.Author.ID != me.BotUserID) {
			continue
		}
		if hasButton(m.Components, contactButtonID) {
			return m.ID, nil
		}
	}
	return "", nil
}

// hasButton reports whether rows hold a component with custom id id.
func hasButton(rows []discordgo.MessageComponent, id string) bool {
	for _, r := range rows {
		row, ok := r.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range row.Components {
			if btn, ok := c.(*discordgo.Button); ok && btn.CustomID == id {
				return true
			}
		}
	}
	return false
}

// supportError is restError, except that a refusal of the support
// channel itself (403, 404) is the operator's to fix: it says what to
// give the bot's role there.
func supportError(err error) error {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil &&
		(re.Response.StatusCode == http.StatusForbidden || re.Response.StatusCode == http.StatusNotFound) {
		return &bot.NeedsOperator{Cause: fmt.Sprintf("discord %d on the support channel", re.Response.StatusCode),
			Hint: "check DISCORD_SUPPORT_CHANNEL and give the bot's role View Channel, Send Messages, Read Message History, " +
				"Create Private Threads, Send Messages in Threads and Manage Threads there", Err: err}
	}
	return restError(err)
}
