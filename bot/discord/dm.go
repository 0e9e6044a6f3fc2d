package discord

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
)

// Send delivers a notification as a direct message, worded by
// bot.NoticeText, with buttons for what the recipient may do next. It is
// the bot.Sender of Discord: a 429 is *bot.RateLimited, a user who cannot
// be reached (DMs closed, unknown user) is *bot.Permanent. A line for the
// inbox channel (an escalation step's post: inbox) goes there. Either is
// created with the row's nonce, so a retry whose answer was lost is not
// posted twice.
func (b *Adapter) Send(ctx context.Context, n inboxbot.Notification) error {
	channel, what := b.inbox, "post in the inbox channel"
	if !n.ForInbox() {
		what = "DM " + n.To
		var err error
		if channel, err = b.dmChannel(ctx, n.To); err != nil {
			return err
		}
	}
	m := dmMessage(n, b.cfg.Service.CanReply(n.Notice.Origin))
	if _, err := b.sendOnce(ctx, channel, m, dmNonce(n)); err != nil {
		if unknownChannel(err) {
			b.dms.Forget(n.To)
		}
		return fmt.Errorf("%s: %w", what, restError(err))
	}
	return nil
}

// dmMessage is the direct message of a notification; replies says
// whether replies to contacts are on.
func dmMessage(n inboxbot.Notification, replies bool) message {
	return message{Content: truncate(bot.NoticeText(n.Notice, markdownStyle), maxContent),
		Components: actionRows(n.Notice.ConversationID, commands.NoticeActions(n.Notice, replies))}
}

// dmChannel returns the DM channel with a user, asking Discord once per
// user while the cache keeps it (Send forgets it on unknown channel).
func (b *Adapter) dmChannel(ctx context.Context, user string) (string, error) {
	if ch, ok := b.dms.Get(user); ok {
		return ch, nil
	}
	c, err := b.session.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("open DM with %s: %w", user, restError(err))
	}
	b.dms.Put(user, c.ID)
	return c.ID, nil
}
