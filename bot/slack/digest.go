package slack

import (
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"

	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// RenderDigest posts a manager's alert digest as a direct message, or
// edits the one posted before (bot.DigestRenderer); a post that replaces
// an older alert message deletes it. The text is bot.DigestText: numbers
// and ids only. A deleted message is bot.ErrCardGone: the loop posts anew.
func (a *Adapter) RenderDigest(ctx context.Context, job store.DigestJob) (store.DigestMessage, error) {
	msg := job.Message
	opts := []slackapi.MsgOption{
		slackapi.MsgOptionText(clip(job.Text, maxMessageText), false),
		slackapi.MsgOptionBlocks(digestBlocks(job.Text)...),
	}
	if msg.MessageID != "" {
		_, _, _, err := a.api.UpdateMessageContext(ctx, msg.Channel, msg.MessageID, opts...)
		if err != nil {
			a.metrics.apiError("chat.update", err)
		}
		if slackError(err) == "message_not_found" || slackError(err) == "channel_not_found" {
			return msg, fmt.Errorf("edit alert message: %w", bot.ErrCardGone)
		}
		return msg, outcome(err)
	}
	ch, err := a.dmChannel(ctx, job.To)
	if err != nil {
		return msg, err
	}
	ch, ts, err := a.api.PostMessageContext(ctx, ch, opts...)
	if err != nil {
		a.metrics.apiError("chat.postMessage", err)
		if slackError(err) == "channel_not_found" {
			a.dms.Forget(job.To)
		}
		return msg, outcome(err)
	}
	old := job.Message.Channel
	msg.Channel, msg.MessageID = ch, ts
	if job.Replaces != "" {
		if old == "" {
			old = ch
		}
		if _, _, err := a.api.DeleteMessageContext(ctx, old, job.Replaces); err != nil && slackError(err) != "message_not_found" {
			a.metrics.apiError("chat.delete", err)
			a.log.Warn("slack: could not delete the older alert message", "user", job.To, "message", job.Replaces, "err", err)
		}
	}
	return msg, nil
}

// digestBlocks are the blocks of an alert digest: its line, and a button
// that lists the Team inbox (commands.ActionWaiting).
func digestBlocks(text string) []slackapi.Block {
	b := slackapi.NewButtonBlockElement(actionID(commands.ActionWaiting, 0), "0", plain(buttonLabels[commands.ActionWaiting], maxButtonText))
	return []slackapi.Block{section(text), slackapi.NewActionBlock("", b)}
}
