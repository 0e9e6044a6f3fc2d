package bot

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// ReplySender posts a member's reply in the chat thread its conversation
// came from. The outbox calls it, under a live lease, for the reply rows
// of its platform; r.Key is the same on every retry of one reply, so the
// platform can refuse a second post (Discord's nonce).
type ReplySender interface {
	SendReply(ctx context.Context, r inboxbot.OutboundReply) error
}

// ThreadMarker shows in the chat thread a conversation came from whether
// it is closed (Slack: a check mark on the thread's first message;
// Discord: the thread archived and locked) or open again. It must be
// idempotent: the outbox may deliver a change twice.
type ThreadMarker interface {
	ThreadState(ctx context.Context, origin inboxbot.Origin, closed bool) error
}

// send delivers n through its platform's sender: a reply or a thread's
// status to a chat thread through ReplySender or ThreadMarker, everything
// else through Send.
func (o *Outbox) send(ctx context.Context, n inboxbot.Notification) error {
	sender := o.Senders[n.Platform]
	if n.Platform == inboxbot.PlatformWebhook {
		return sender.Send(ctx, n)
	}
	origin := n.Notice.Origin
	switch n.Notice.Event {
	case inboxbot.EventReply:
		rs, ok := sender.(ReplySender)
		if !ok || origin == nil || n.Notice.Message == nil {
			return &Permanent{Reason: fmt.Sprintf("%s cannot post this reply in the conversation's thread", n.Platform)}
		}
		m := n.Notice.Message
		return rs.SendReply(ctx, inboxbot.OutboundReply{ConversationID: n.Notice.ConversationID, Origin: *origin,
			Author: m.AuthorName, Body: m.Body, Key: n.DedupeKey})
	case inboxbot.EventThread:
		tm, ok := sender.(ThreadMarker)
		if !ok || origin == nil {
			return &Permanent{Reason: fmt.Sprintf("%s cannot show the conversation's status in its thread", n.Platform)}
		}
		return tm.ThreadState(ctx, *origin, n.Notice.Closed)
	}
	return sender.Send(ctx, n)
}
