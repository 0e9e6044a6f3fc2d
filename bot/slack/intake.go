package slack

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// Intake: customers write in the channels of SLACK_INTAKE_CHANNELS, and
// anyone turns a message into a conversation with the inbox_send shortcut
// or the :ticket: reaction. Each thread is its own conversation (its
// origin); its messages by members are replies already delivered.

// ShortcutSend is the callback id of the "Send to inbox" message shortcut.
const ShortcutSend = "inbox_send"

// reactionTicket opens a conversation from the message it is put on;
// reactionClosed marks the first message of a closed conversation.
const (
	reactionTicket = "ticket"
	reactionClosed = "white_check_mark"
)

// intakeChannel reports whether customers' messages in channel open
// conversations.
func (a *Adapter) intakeChannel(channel string) bool {
	return channel != "" && slices.Contains(a.cfg.IntakeChannels, channel)
}

// intakeMessage handles a message in an intake channel: a customer's
// top-level message opens a conversation, their messages in its thread
// join it, a member's message in it is a reply already delivered. Bots'
// messages (the bot's own included), edits, deletions and members'
// top-level messages do nothing.
func (a *Adapter) intakeMessage(ctx context.Context, ev *slackevents.MessageEvent) {
	if ev == nil || !noteSubtypes[ev.SubType] || ev.BotID != "" || ev.User == "" || ev.TimeStamp == "" {
		return
	}
	text := strings.TrimSpace(unescapeMessage(ev.Text))
	if text == "" {
		return
	}
	thread := firstOf(ev.ThreadTimeStamp, ev.TimeStamp)
	origin := inboxbot.Origin{Platform: platform, Channel: ev.Channel, Thread: thread}
	msgID := messageID(ev.Channel, ev.TimeStamp)
	member, err := a.isMember(ctx, ev.User, ev.UserTeam)
	if err != nil {
		a.log.Warn("slack: intake: could not tell a member from a customer; message left alone", "channel", ev.Channel, "ts", ev.TimeStamp, "err", err)
		return
	}
	topLevel := thread == ev.TimeStamp
	switch {
	case member && topLevel:
		return // the team's own posts in the channel are not requests
	case member:
		name := a.userName(ctx, ev.User, ev.User)
		resp := a.service.ThreadReply(ctx, commands.Request{Platform: platform, UserID: ev.User, UserName: name, People: a},
			origin, msgID, text)
		if resp.Outcome != commands.OK && !strings.Contains(resp.Error, "No conversation came from") {
			a.log.Warn("slack: a member's message in a customer's thread was not recorded", "channel", ev.Channel, "ts", ev.TimeStamp, "error", resp.Error)
		}
		return
	case !topLevel:
		// Customers talking in a thread that is no conversation (a
		// member's announcement) open nothing.
		if _, err := a.service.Store.ConversationByOrigin(ctx, origin); err != nil {
			return
		}
	}
	if _, err := a.openFrom(ctx, ev.User, msgID, text, ev.TimeStamp, origin); err != nil {
		a.log.Warn("slack: intake: a customer's message was not stored", "channel", ev.Channel, "ts", ev.TimeStamp, "err", err)
	}
}

// messageID is the external id of the Slack message ts in channel: a
// redelivered event stores nothing twice.
func messageID(channel, ts string) string { return "slack:" + channel + ":" + ts }

// isMember reports whether the Slack user is one of the team's members: of
// our workspace (team is their workspace when the event says; people of
// another one are contacts whatever they type) and linked to a member.
func (a *Adapter) isMember(ctx context.Context, user, team string) (bool, error) {
	ours, err := a.teamID(ctx)
	if err != nil {
		return false, err
	}
	if team != "" && team != ours {
		return false, nil
	}
	m, err := a.service.Store.MemberByPlatform(ctx, platform, user)
	switch {
	case inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND:
		return false, nil
	case err != nil:
		return false, err
	}
	if team == "" {
		// The event did not say: only someone of our workspace is a member.
		p, err := a.Person(ctx, user)
		if err != nil {
			return false, err
		}
		return p.Team == "" || p.Team == ours, nil
	}
	return m.ID != 0, nil
}

// teamID is our workspace's id: from Check, else auth.test.
func (a *Adapter) teamID(ctx context.Context) (string, error) {
	if id, ok := a.Identity(); ok && id.TeamID != "" {
		return id.TeamID, nil
	}
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		a.metrics.apiError("auth.test", err)
		return "", fmt.Errorf("auth.test: %w", err)
	}
	return auth.TeamID, nil
}

// openFrom stores the message msgID by user as an inbound message of the
// conversation of origin (opening it when it is new): the contact is
// slack:<their team>:<user>, named from users.info, with the channel's
// name and id as custom fields for the rules.
func (a *Adapter) openFrom(ctx context.Context, user, msgID, text, ts string, origin inboxbot.Origin) (inboxbot.InboundResult, error) {
	p, err := a.Person(ctx, user)
	if err != nil {
		return inboxbot.InboundResult{}, err
	}
	team := p.Team
	if team == "" {
		if team, err = a.teamID(ctx); err != nil {
			return inboxbot.InboundResult{}, err
		}
	}
	origin.URL = a.permalink(ctx, origin)
	custom := map[string]string{"intake_channel_id": origin.Channel}
	if name := a.channelName(ctx, origin.Channel); name != "" {
		custom["intake_channel"] = name
	}
	return a.service.Inbound(ctx, inboxbot.Inbound{Kind: inboxbot.InboundMessage, Channel: string(platform),
		Contact:   inboxbot.Contact{ExternalID: "slack:" + team + ":" + user, Name: firstOf(p.Name, user), Custom: custom},
		MessageID: msgID, Body: text, SentAt: tsTime(ts), Origin: &origin})
}

// permalink is the link to the thread's first message, for the cards; ""
// when Slack will not say.
func (a *Adapter) permalink(ctx context.Context, o inboxbot.Origin) string {
	link, err := a.api.GetPermalinkContext(ctx, &slackapi.PermalinkParameters{Channel: o.Channel, Ts: o.Thread})
	if err != nil {
		a.metrics.apiError("chat.getPermalink", err)
		a.log.Warn("slack: chat.getPermalink failed; the card links to nothing", "channel", o.Channel, "err", err)
		return ""
	}
	if !strings.HasPrefix(link, "https://") || len(link) > inboxbot.MaxIDLength {
		return ""
	}
	return link
}

// channelName is the channel's name from conversations.info (cached); ""
// when Slack will not say.
func (a *Adapter) channelName(ctx context.Context, channel string) string {
	a.mu.Lock()
	name, ok := a.channels[channel]
	a.mu.Unlock()
	if ok {
		return name
	}
	ch, err := a.api.GetConversationInfoContext(ctx, &slackapi.GetConversationInfoInput{ChannelID: channel})
	if err != nil {
		a.metrics.apiError("conversations.info", err)
		a.log.Warn("slack: conversations.info failed; intake_channel left unset", "channel", channel, "err", err)
		return ""
	}
	a.mu.Lock()
	a.channels[channel] = ch.Name
	a.mu.Unlock()
	return ch.Name
}

// tsTime reads a Slack ts ("1700000000.000100") as a time; zero when it
// is not one.
func tsTime(ts string) time.Time {
	sec, _, _ := strings.Cut(ts, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
