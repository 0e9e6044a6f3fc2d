package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// defaultRetryAfter is the wait after a 429 that names none.
const defaultRetryAfter = 30 * time.Second

// permanentErrors are Slack errors that retrying the same message cannot
// fix: the user is gone, deactivated, a bot, or cannot be messaged, or the
// message itself is refused. Authentication errors (not_authed,
// invalid_auth, token_revoked, account_inactive) are not among them: they
// are the operator's to fix (needsOperator), and the DMs should go out once
// they have.
var permanentErrors = map[string]bool{
	"user_not_found": true, "users_not_found": true, "cannot_dm_bot": true,
	"user_disabled": true, "user_not_visible": true, "invalid_blocks": true, "msg_too_long": true,
	"no_text": true, "invalid_arguments": true, "restricted_action": true, "not_allowed_token_type": true,
}

// outcome maps a Web API error to the outbox's and card loop's rules: a
// 429 becomes *bot.RateLimited, an error only an operator can fix
// *bot.NeedsOperator, an error retrying cannot fix *bot.Permanent, the
// rest stays retryable.
func outcome(err error) error {
	return classify(err, false)
}

// classify is outcome; inboxChannel says the call was in the inbox channel.
func classify(err error, inboxChannel bool) error {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var se slack.SlackErrorResponse
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rl):
		return &bot.RateLimited{After: rl.RetryAfter}
	case errors.As(err, &sc) && sc.Code == 429:
		return &bot.RateLimited{After: defaultRetryAfter}
	case needsOperator(err, inboxChannel) != nil:
		return needsOperator(err, inboxChannel)
	case errors.As(err, &se) && permanentErrors[se.Err]:
		return &bot.Permanent{Reason: se.Err}
	}
	return err
}

// slackError is the error code of a Web API error, or "".
func slackError(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

// RenderCard posts a conversation's card to the inbox channel, or edits
// the posted one (bot.CardRenderer). A card someone deleted is
// bot.ErrCardGone: the card loop posts it anew.
func (a *Adapter) RenderCard(ctx context.Context, job store.CardJob) (inboxbot.Card, error) {
	card := job.Card
	conv := job.Conversation
	blocks := cardBlocks(conv, channelActions(conv, a.service.Replies))
	opts := []slack.MsgOption{
		slack.MsgOptionText(clip(cardText(conv), maxMessageText), false),
		slack.MsgOptionBlocks(blocks...),
	}
	if card.MessageID != "" {
		_, _, _, err := a.api.UpdateMessageContext(ctx, card.Channel, card.MessageID, opts...)
		if err != nil {
			a.metrics.apiError("chat.update", err)
		}
		if slackError(err) == "message_not_found" {
			return card, fmt.Errorf("edit card of %s: %w", conv.Ref(), bot.ErrCardGone)
		}
		return card, classify(err, true)
	}
	ch, ts, err := a.api.PostMessageContext(ctx, a.cfg.InboxChannel, opts...)
	if err != nil {
		a.metrics.apiError("chat.postMessage", err)
		return card, classify(err, true)
	}
	card.Channel, card.MessageID = ch, ts
	return card, nil
}

// cardText is a card's notification text: what a phone shows.
func cardText(conv inboxbot.Conversation) string {
	who := "Team inbox"
	if conv.Assigned() {
		who = conv.AssigneeName
	}
	return escape(conv.Ref() + " " + conv.Contact.DisplayName() + " (" + conv.Channel + "): " + who)
}

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
		slack.MsgOptionText(clip(text, maxMessageText), false),
		slack.MsgOptionBlocks(dmBlocks(n.Notice, text, a.service.Replies)...),
		slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "inboxbot_notification",
			EventPayload: map[string]any{"dedupe_key": n.DedupeKey, "conversation_id": n.Notice.ConversationID}}))
	if err != nil {
		a.metrics.apiError("chat.postMessage", err)
		if slackError(err) == "channel_not_found" {
			a.forgetDM(n.To)
		}
		return outcome(err)
	}
	a.log.Debug("slack: DM sent", slog.String("dedupe_key", n.DedupeKey), "user", n.To)
	return nil
}

// dmBlocks are the blocks of a DM: the notice, then the buttons that fit
// the event (commands.NoticeActions).
func dmBlocks(n inboxbot.Notice, text string, replies bool) []slack.Block {
	acts := commands.NoticeActions(n, replies)
	conv := inboxbot.Conversation{ID: n.ConversationID, Status: inboxbot.StatusOpen}
	return []slack.Block{section(text), slack.NewActionBlock("", actionElements(conv, acts)...)}
}

// dmChannel returns the DM channel with a user, opening it once.
func (a *Adapter) dmChannel(ctx context.Context, userID string) (string, error) {
	a.mu.Lock()
	ch, ok := a.dms[userID]
	a.mu.Unlock()
	if ok {
		return ch, nil
	}
	c, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
	if err != nil {
		a.metrics.apiError("conversations.open", err)
		return "", outcome(err)
	}
	a.mu.Lock()
	a.dms[userID] = c.ID
	a.mu.Unlock()
	return c.ID, nil
}

func (a *Adapter) forgetDM(userID string) {
	a.mu.Lock()
	delete(a.dms, userID)
	a.mu.Unlock()
}
