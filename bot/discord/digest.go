package discord

import (
	"context"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// RenderDigest posts a manager's alert digest as a direct message, or
// edits the one posted before; it is the bot.DigestRenderer of Discord. A
// post that replaces an older alert message deletes it. A deleted message
// is bot.ErrCardGone: the loop posts anew.
func (b *Adapter) RenderDigest(ctx context.Context, job store.DigestJob) (store.DigestMessage, error) {
	msg := job.Message
	m := digestMessage(job.Text)
	if msg.MessageID != "" {
		_, err := b.session.ChannelMessageEditComplex(m.edit(msg.Channel, msg.MessageID), discordgo.WithContext(ctx))
		switch {
		case unknownMessage(err) || unknownChannel(err):
			return msg, fmt.Errorf("edit alert message: %w", bot.ErrCardGone)
		case err != nil:
			return msg, fmt.Errorf("edit alert message: %w", restError(err))
		}
		return msg, nil
	}
	channel, err := b.dmChannel(ctx, job.To)
	if err != nil {
		return msg, err
	}
	posted, err := b.sendOnce(ctx, channel, m, digestNonce(job))
	if err != nil {
		if unknownChannel(err) {
			b.dms.Forget(job.To)
		}
		return msg, fmt.Errorf("post alert message to %s: %w", job.To, restError(err))
	}
	msg.Channel, msg.MessageID = channel, posted.ID
	if job.Replaces != "" {
		err := b.session.ChannelMessageDelete(channel, job.Replaces, discordgo.WithContext(ctx))
		if err != nil && !unknownMessage(err) {
			b.log().Warn("discord: could not delete the older alert message", "user", job.To, "message", job.Replaces, "err", err)
		}
	}
	return msg, nil
}

// digestMessage is an alert digest's direct message: its line (numbers and
// ids only) and a button that lists the Team inbox.
func digestMessage(text string) message {
	l := actionLabels[commands.ActionWaiting]
	return message{Content: truncate(text, maxContent), Components: []discordgo.MessageComponent{discordgo.ActionsRow{
		Components: []discordgo.MessageComponent{discordgo.Button{Label: truncate(l.label, maxLabel), Style: l.style,
			CustomID: customID(commands.ActionWaiting, 0)}}}}}
}

// digestNonce is the nonce of an alert message's post: the manager and the
// message it replaces, the same on every try of that post.
func digestNonce(job store.DigestJob) string {
	nonce := "a" + strconv.FormatInt(job.Message.MemberID, 36)
	if r := job.Replaces; r != "" {
		nonce += "." + r[max(0, len(r)-(maxNonce-len(nonce)-1)):]
	}
	return nonce
}
