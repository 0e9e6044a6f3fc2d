package slack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// Send delivers a notification as a direct message (bot.Sender): the
// notice worded once by bot.NoticeText, with buttons that work like the
// card's. The DM channel of each user is cached. The DedupeKey travels as
// message metadata and in the log, so a duplicate can be traced. A line
// for the inbox channel (an escalation step's post: inbox) goes there; as
// the team reads it, a retry first looks for its key in the channel, so an
// attempt whose answer was lost is not posted twice.
func (a *Adapter) Send(ctx context.Context, n inboxbot.Notification) error {
	var ch string
	var err error
	if n.ForInbox() {
		ch = a.cfg.InboxChannel
		if n.Attempts > 1 {
			if posted, err := a.linePosted(ctx, n); err != nil || posted {
				return err
			}
		}
	} else if ch, err = a.dmChannel(ctx, n.To); err != nil {
		return err
	}
	text := bot.NoticeText(n.Notice, mrkdwnStyle)
	_, _, err = a.api.PostMessageContext(ctx, ch,
		slackapi.MsgOptionText(clip(text, maxMessageText), false),
		slackapi.MsgOptionBlocks(dmBlocks(n.Notice, text, a.service.CanReply(n.Notice.Origin))...),
		slackapi.MsgOptionMetadata(slackapi.SlackMetadata{EventType: noticeEvent,
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

// linePosted reports whether the inbox channel holds the line n already:
// the bot's messages carry their key, and the line is newer than its row
// (give or take clockSkew between the database and Slack).
func (a *Adapter) linePosted(ctx context.Context, n inboxbot.Notification) (bool, error) {
	cursor, oldest := "", n.CreatedAt.Add(-clockSkew).Unix()
	for {
		h, err := a.api.GetConversationHistoryContext(ctx, &slackapi.GetConversationHistoryParameters{ChannelID: a.cfg.InboxChannel,
			Oldest: fmt.Sprintf("%d.000000", oldest), Cursor: cursor, Limit: 200, IncludeAllMetadata: true})
		if err != nil {
			a.metrics.apiError("conversations.history", err)
			return false, outcome(err)
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType == noticeEvent && fmt.Sprint(m.Metadata.EventPayload["dedupe_key"]) == n.DedupeKey {
				return true, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			return false, nil
		}
		cursor = h.ResponseMetaData.NextCursor
	}
}

// clockSkew is how far the database's clock may be from Slack's.
const clockSkew = 10 * time.Minute

// noticeEvent is the metadata event type of notifications.
const noticeEvent = "inboxbot_notification"

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
