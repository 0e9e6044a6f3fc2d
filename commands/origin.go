package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/inboxbot/inboxbot"
)

// CanReply reports whether a reply to a conversation that came from
// origin (nil: the API) can reach its contact here; adapters offer the
// Reply button by it.
func (s *Service) CanReply(origin *inboxbot.Origin) bool { return s.unreachable(0, origin) == nil }

// unreachable says why a reply to conversation id, from origin, cannot
// reach its contact; nil when it can.
func (s *Service) unreachable(id int64, origin *inboxbot.Origin) error {
	ref := "This conversation"
	if id != 0 {
		ref = inboxbot.Ref(id)
	}
	if origin == nil {
		if s.Webhook {
			return nil
		}
		return inboxbot.Errorf(inboxbot.EINVALID, "%s came from the API and INBOXBOT_OUTBOUND_URL is not set: replies cannot reach the contact. "+
			"An admin turns them on by setting INBOXBOT_OUTBOUND_URL (and INBOXBOT_OUTBOUND_SECRET) "+
			"to the address of the system the conversations come from; see docs/api.md.", ref)
	}
	if slices.Contains(s.Chats, origin.Platform) {
		return nil
	}
	return inboxbot.Errorf(inboxbot.EINVALID, "%s came from a %s thread and %s is not set up here: replies cannot reach the contact.",
		ref, platformName(origin.Platform), platformName(origin.Platform))
}

// ThreadReply records what a member wrote in the chat thread a
// conversation came from: a reply to the contact already delivered, so it
// answers the conversation (first response, reassign_after) and is never
// sent again. messageID is the platform's id of the message; a redelivery
// changes nothing. A thread that opened no conversation is ENOTFOUND.
func (s *Service) ThreadReply(ctx context.Context, req Request, origin inboxbot.Origin, messageID, text string) Response {
	conv, err := s.Store.ConversationByOrigin(ctx, origin)
	if err != nil {
		return s.counted(s.fail("reply", err))
	}
	return s.counted(s.exec(ctx, req, Command{Name: "thread reply", ID: conv.ID, Text: text, MessageID: messageID}))
}

func (s *Service) threadReply(ctx context.Context, c call) (Response, error) {
	_, conv, err := s.Store.AddReply(ctx, inboxbot.Reply{
		ConversationID: c.Cmd.ID, Direction: inboxbot.DirectionOutbound, Author: c.Actor.ID, Body: c.Cmd.Text,
		MessageID: c.Cmd.MessageID,
	})
	if err != nil {
		return Response{}, err
	}
	r := reply(fmt.Sprintf("Recorded as a reply on %s.", conv.Ref()), "")
	r.Updated = conv1(conv)
	return r, nil
}

// ReplyOffered reports whether a Reply click on conversation id should
// open the reply form: its contact can be reached. When it cannot (or the
// conversation cannot be read), the click goes the usual way, to the
// refusal that says why.
func (s *Service) ReplyOffered(ctx context.Context, id int64) bool {
	conv, err := s.Store.Conversation(ctx, id)
	return err == nil && s.CanReply(conv.Origin)
}
