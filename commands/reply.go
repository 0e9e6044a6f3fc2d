package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// replyTo sends the contact a message from the asker, where the
// conversation came from: its chat thread, else the outbound webhook. The
// assignee, followers, managers and admins may reply; the assignee does
// not change. A conversation whose contact cannot be reached says why.
func (s *Service) replyTo(ctx context.Context, c call) (Response, error) {
	// Where it came from never changes: whether a reply can reach the
	// contact is told first, before what the reply says.
	conv, err := s.Store.Conversation(ctx, c.Cmd.ID)
	if err != nil {
		return Response{}, err
	}
	if err := s.unreachable(conv.ID, conv.Origin); err != nil {
		return Response{}, err
	}
	msg, conv, err := s.Store.AddReply(ctx, inboxbot.Reply{
		ConversationID: c.Cmd.ID, Direction: inboxbot.DirectionOutbound, Author: c.Actor.ID, Body: c.Cmd.Text,
		Check: mayReplyCheck(c.Actor),
	})
	if err != nil {
		return Response{}, err
	}
	r := reply(fmt.Sprintf("Reply to %s on %s is on its way.", conv.Contact.DisplayName(), conv.Ref()),
		excerpt(msg.Body, showBodyLength))
	r.Cards = cards(c.Actor, conv1(conv))
	r.Updated = conv1(conv)
	return r, nil
}

// Note stores an internal note by the member who sent req on a
// conversation: shown in show and the history, never sent to the contact.
// Chat adapters call it for messages written in the thread under a
// conversation's card.
func (s *Service) Note(ctx context.Context, req Request, convID int64, text string) Response {
	return s.counted(s.exec(ctx, req, Command{Name: "note", ID: convID, Text: text}))
}

func (s *Service) note(ctx context.Context, c call) (Response, error) {
	_, conv, err := s.Store.AddReply(ctx, inboxbot.Reply{
		ConversationID: c.Cmd.ID, Direction: inboxbot.DirectionNote, Author: c.Actor.ID, Body: c.Cmd.Text,
	})
	if err != nil {
		return Response{}, err
	}
	r := reply(fmt.Sprintf("Note added to %s; the contact does not see it.", conv.Ref()), "")
	r.Updated = conv1(conv)
	return r, nil
}

// mayReplyCheck lets the assignee, followers, managers and admins reply.
func mayReplyCheck(actor inboxbot.Member) func(inboxbot.Conversation) error {
	return func(conv inboxbot.Conversation) error {
		if mayReply(actor, conv) {
			return nil
		}
		return inboxbot.Errorf(inboxbot.EFORBIDDEN,
			"%s is assigned to %s. Its assignee, its followers, managers and admins can reply; you are %s %s. Follow it first to reply.",
			conv.Ref(), conv.AssigneeName, article(actor.Role), actor.Role)
	}
}

func mayReply(actor inboxbot.Member, conv inboxbot.Conversation) bool {
	return mayChangeHands(actor, conv) || conv.FollowedBy(actor.ID)
}
