package slack

import (
	"context"
	"strings"

	"github.com/slack-go/slack/slackevents"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
)

// noteSubtypes are the message subtypes a person writes: a plain message,
// one also sent to the channel, one with a file. Edits, deletions, joins
// and bots' messages are not notes.
var noteSubtypes = map[string]bool{"": true, "thread_broadcast": true, "file_share": true}

// threadNote reads a message event as a note in the thread under a
// message of the inbox channel: the thread's ts (a card's ts, if it is a
// note at all), who wrote it and the text as they typed it. ok is false
// for anything else: top-level messages, other channels, bots (the
// bot's own cards and answers included), edits, joins, empty text.
func threadNote(ev *slackevents.MessageEvent, inbox string) (threadTS, user, text string, ok bool) {
	if ev == nil || !noteSubtypes[ev.SubType] || ev.BotID != "" || ev.User == "" {
		return "", "", "", false
	}
	if ev.Channel != inbox || ev.ThreadTimeStamp == "" || ev.ThreadTimeStamp == ev.TimeStamp {
		return "", "", "", false
	}
	text = strings.TrimSpace(unescapeMessage(ev.Text))
	if text == "" {
		return "", "", "", false
	}
	return ev.ThreadTimeStamp, ev.User, text, true
}

// note stores a message written in the thread under a conversation's card
// as an internal note by its author, who becomes a member on first use.
// It is never sent to the contact. It says nothing in the thread: the
// note is there already; a refusal is only logged.
func (a *Adapter) note(ctx context.Context, ev *slackevents.MessageEvent) {
	threadTS, user, text, ok := threadNote(ev, a.cfg.InboxChannel)
	if !ok {
		return
	}
	convID, err := a.service.Store.CardConversation(ctx, platform, threadTS)
	if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
		return // a thread under some other message
	}
	if err != nil {
		a.log.Error("slack: finding the card of a thread failed", "thread_ts", threadTS, "err", err)
		return
	}
	name := a.userName(ctx, user, user)
	resp := a.service.Note(ctx, commands.Request{Platform: platform, UserID: user, UserName: name}, convID, text)
	if resp.Outcome != commands.OK {
		a.log.Warn("slack: a message in a card's thread was not stored as a note",
			"conversation", convID, "user", user, "error", resp.Error)
	}
}

// unescapeMessage turns the text of a Slack message back into what was
// typed: Slack writes &, < and > as entities.
func unescapeMessage(s string) string {
	return messageUnescaper.Replace(s)
}

var messageUnescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")
