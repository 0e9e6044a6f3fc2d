package slack

import (
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/inboxbot/inboxbot"
)

// sendToInbox turns the message of an inbox_send shortcut into a
// conversation and tells the person: in the message's thread when the bot
// can write there, else ephemerally at the shortcut's response_url.
func (a *Adapter) sendToInbox(ctx context.Context, ic slackapi.InteractionCallback) {
	m := ic.Message.Msg
	text, err := a.ticket(ctx, ic.Channel.ID, m)
	if err == nil && a.threadNote(ctx, ic.Channel.ID, firstOf(m.ThreadTimestamp, m.Timestamp), text) {
		return
	}
	if err != nil {
		text = inboxbot.ErrorMessage(err)
	}
	a.respond(ctx, ic.ResponseURL, &slackapi.Msg{ResponseType: slackapi.ResponseTypeEphemeral, Text: escape(text)})
}

// ticketReaction turns the message someone put :ticket: on into a
// conversation, and says so in its thread. Only people of our workspace
// open conversations this way.
func (a *Adapter) ticketReaction(ctx context.Context, ev *slackevents.ReactionAddedEvent) {
	if ev.Reaction != reactionTicket || ev.Item.Type != "message" || ev.Item.Channel == "" || ev.Item.Timestamp == "" {
		return
	}
	ours, err := a.teamID(ctx)
	if err != nil {
		a.log.Warn("slack: :ticket: left alone: our workspace is unknown", "err", err)
		return
	}
	if p, err := a.Person(ctx, ev.User); err != nil || p.Bot || (p.Team != "" && p.Team != ours) {
		return
	}
	m, err := a.message(ctx, ev.Item.Channel, ev.Item.Timestamp)
	if err != nil {
		a.log.Warn("slack: :ticket: on a message the bot cannot read", "channel", ev.Item.Channel, "ts", ev.Item.Timestamp, "err", err)
		return
	}
	text, err := a.ticket(ctx, ev.Item.Channel, m)
	if err != nil {
		text = inboxbot.ErrorMessage(err)
	}
	a.threadNote(ctx, ev.Item.Channel, firstOf(m.ThreadTimestamp, m.Timestamp), text)
}

// ticket opens (or finds) the conversation of message m in channel, its
// contact the message's author, and returns the sentence that says which
// one it is. A bot's message is refused.
func (a *Adapter) ticket(ctx context.Context, channel string, m slackapi.Msg) (string, error) {
	if m.BotID != "" || m.User == "" || m.SubType == "bot_message" {
		return "", inboxbot.Errorf(inboxbot.EINVALID, "That message was written by a bot: only people's messages go to the inbox.")
	}
	text := unescapeMessage(m.Text)
	if text == "" {
		return "", inboxbot.Errorf(inboxbot.EINVALID, "That message has no text to send to the inbox.")
	}
	origin := inboxbot.Origin{Platform: platform, Channel: channel, Thread: firstOf(m.ThreadTimestamp, m.Timestamp)}
	res, err := a.openFrom(ctx, m.User, messageID(channel, m.Timestamp), text, m.Timestamp, origin)
	if err != nil {
		return "", err
	}
	if res.Duplicate {
		return fmt.Sprintf("This message is already in the inbox as %s.", res.Conversation.Ref()), nil
	}
	return fmt.Sprintf("Sent to the inbox as %s; replies from the team will appear in this thread.", res.Conversation.Ref()), nil
}

// message fetches one message: a top-level one from conversations.history,
// a thread reply from conversations.replies.
func (a *Adapter) message(ctx context.Context, channel, ts string) (slackapi.Msg, error) {
	h, err := a.api.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{
		ChannelID: channel, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1})
	if err != nil {
		a.metrics.apiError("conversations.history", err)
		return slackapi.Msg{}, fmt.Errorf("conversations.history: %w", err)
	}
	for _, m := range h.Messages {
		if m.Timestamp == ts {
			return m.Msg, nil
		}
	}
	ms, _, _, err := a.api.GetConversationRepliesContext(ctx, &slackapi.GetConversationRepliesParameters{
		ChannelID: channel, Timestamp: ts, Latest: ts, Oldest: ts, Inclusive: true, Limit: 1})
	if err != nil {
		a.metrics.apiError("conversations.replies", err)
		return slackapi.Msg{}, fmt.Errorf("conversations.replies: %w", err)
	}
	for _, m := range ms {
		if m.Timestamp == ts {
			return m.Msg, nil
		}
	}
	return slackapi.Msg{}, fmt.Errorf("message %s not found in %s", ts, channel)
}

// threadNote posts text in the thread ts of channel; false when Slack
// refused (the bot is not in the channel).
func (a *Adapter) threadNote(ctx context.Context, channel, ts, text string) bool {
	_, _, err := a.api.PostMessageContext(ctx, channel, slackapi.MsgOptionText(escape(text), false), slackapi.MsgOptionTS(ts))
	if err != nil {
		a.metrics.apiError("chat.postMessage", err)
		a.log.Info("slack: could not say in the thread which conversation it became", "channel", channel, "err", err)
		return false
	}
	return true
}
