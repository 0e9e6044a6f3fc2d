package slack

import (
	"context"
	"errors"
	"fmt"
	"time"

	slackapi "github.com/slack-go/slack"

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
	var rl *slackapi.RateLimitedError
	var sc slackapi.StatusCodeError
	var se slackapi.SlackErrorResponse
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
	var se slackapi.SlackErrorResponse
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
	blocks := cardBlocks(conv, commands.CardActions(conv, a.service.CanReply(conv.Origin)))
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(clip(cardText(conv), maxMessageText), false),
		slackapi.MsgOptionBlocks(blocks...),
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
	return escape(commands.Headline(conv))
}
