package slack

import (
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
)

// SendReply posts a member's reply in the Slack thread its conversation
// came from, under the member's name (chat:write.customize). It is the
// adapter's bot.ReplySender; the outbox calls it under a live lease.
// Contact-facing text is plain: it is escaped, so nothing in it pings.
func (a *Adapter) SendReply(ctx context.Context, r inboxbot.OutboundReply) error {
	_, _, err := a.api.PostMessageContext(ctx, r.Origin.Channel,
		slackapi.MsgOptionText(clip(escape(r.Body), maxMessageText), false),
		slackapi.MsgOptionTS(r.Origin.Thread),
		slackapi.MsgOptionUsername(clip(firstOf(r.Author, "inboxbot"), 80)),
		slackapi.MsgOptionDisableLinkUnfurl())
	if err != nil {
		a.metrics.apiError("chat.postMessage", err)
		return threadOutcome(err)
	}
	return nil
}

// ThreadState marks the first message of a closed conversation's thread
// with a check mark and takes it off when it is reopened. Either is
// idempotent: Slack's already_reacted and no_reaction count as done. It is
// the adapter's bot.ThreadMarker.
func (a *Adapter) ThreadState(ctx context.Context, o inboxbot.Origin, closed bool) error {
	ref := slackapi.NewRefToMessage(o.Channel, o.Thread)
	method, err := "reactions.add", error(nil)
	if closed {
		err = a.api.AddReactionContext(ctx, reactionClosed, ref)
	} else {
		method, err = "reactions.remove", a.api.RemoveReactionContext(ctx, reactionClosed, ref)
	}
	switch code := slackError(err); {
	case err == nil, code == "already_reacted", code == "no_reaction":
		return nil
	default:
		a.metrics.apiError(method, err)
		return threadOutcome(fmt.Errorf("%s: %w", method, err))
	}
}

// threadErrors are the errors of posting in a customer's thread that no
// retry fixes: the reply failed, and its author is told why.
var threadErrors = map[string]string{
	"not_in_channel":    "the bot is not in the customer's channel: invite it",
	"channel_not_found": "the customer's channel is gone or the bot cannot see it",
	"is_archived":       "the customer's channel is archived",
	"thread_not_found":  "the customer's thread was deleted",
	"message_not_found": "the customer's first message was deleted",
}

// threadOutcome is outcome for calls in a customer's thread.
func threadOutcome(err error) error {
	if why, ok := threadErrors[slackError(err)]; ok {
		return &bot.Permanent{Reason: why}
	}
	return outcome(err)
}
