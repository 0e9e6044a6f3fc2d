package slack

import (
	"context"
	"log/slog"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// Send delivers a notification as a direct message (bot.Sender): the
// notice worded once by bot.NoticeText, with buttons that work like the
// card's. The DM channel of each user is cached. The DedupeKey travels as
// message metadata and in the log, so a duplicate can be traced.
func (a *Adapter) Send(ctx context.Context, n inboxbot.Notification) error {
	ch, err := a.dmChannel(ctx, n.To)
	if err != nil {
		return err
	}
	text := bot.NoticeText(n.Notice, mrkdwnStyle)
	_, _, err = a.api.PostMessageContext(ctx, ch,
		slackapi.MsgOptionText(clip(text, maxMessageText), false),
		slackapi.MsgOptionBlocks(dmBlocks(n.Notice, text, a.service.CanReply(n.Notice.Origin))...),
		slackapi.MsgOptionMetadata(slackapi.SlackMetadata{EventType: "inboxbot_notification",
			EventPayload: map[string]any{"dedupe_key": n.DedupeKey, "conversation_id": n.Notice.ConversationID}}))
	if err != nil {
		a.metrics.apiError("chat.postMessage", err)
		if slackError(err) == "channel_not_found" {
			a.dms.Forget(n.To)
		}
		return outcome(err)
	}
	a.log.Debug("slack: DM sent", slog.String("dedupe_key", n.DedupeKey), "user", n.To)
	return nil
}

// dmBlocks are the blocks of a DM: the notice, then the buttons that fit
// the event (commands.NoticeActions).
func dmBlocks(n inboxbot.Notice, text string, replies bool) []slackapi.Block {
	acts := commands.NoticeActions(n, replies)
	conv := inboxbot.Conversation{ID: n.ConversationID, Status: inboxbot.StatusOpen}
	return []slackapi.Block{section(text), slackapi.NewActionBlock("", actionElements(conv, acts)...)}
}

// dmChannel returns the DM channel with a user, opening it once (the
// cache forgets it when Slack says channel_not_found).
func (a *Adapter) dmChannel(ctx context.Context, userID string) (string, error) {
	if ch, ok := a.dms.Get(userID); ok {
		return ch, nil
	}
	c, _, _, err := a.api.OpenConversationContext(ctx, &slackapi.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
	if err != nil {
		a.metrics.apiError("conversations.open", err)
		return "", outcome(err)
	}
	a.dms.Put(userID, c.ID)
	return c.ID, nil
}
