package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// close finishes a conversation: it leaves the personal and Team inboxes.
// The assignee, managers and admins may close it; anyone may close an
// unassigned one. The check runs under the conversation's row lock.
func (s *Service) close(ctx context.Context, c call) (Response, error) {
	return s.setStatus(ctx, c, inboxbot.StatusClosed, "closed", "%s is already closed.")
}

// reopen brings a closed conversation back, with the same holder; the
// same people may reopen it as may close it.
func (s *Service) reopen(ctx context.Context, c call) (Response, error) {
	return s.setStatus(ctx, c, inboxbot.StatusOpen, "reopened", "%s is already open.")
}

func (s *Service) setStatus(ctx context.Context, c call, status inboxbot.Status, done, noop string) (Response, error) {
	verb := c.Cmd.Name
	var before inboxbot.Conversation
	check := changeHandsCheck(c.Actor, verb)
	conv, changed, err := s.Store.SetStatus(ctx, inboxbot.StatusChange{
		ConversationID: c.Cmd.ID, Status: status, Actor: c.Actor.ID, Via: c.Via, Reason: done + " by hand",
		Check: func(cur inboxbot.Conversation) error {
			before = cur
			return check(cur)
		},
	})
	if err != nil {
		return Response{}, err
	}
	if changed && status == inboxbot.StatusClosed && before.Assigned() {
		s.freed(ctx, before.AssigneeID, freedCause(before.AssigneeName, "closed", conv), 0)
	}
	if !changed {
		r := reply(fmt.Sprintf(noop, conv.Ref()), "Nothing changed.")
		r.Cards = cards(c.Actor, conv1(conv))
		return r, nil
	}
	r := announce(fmt.Sprintf("%s %s %s (%s)", c.Actor.Name, done, conv.Ref(), conv.Contact.DisplayName()), "")
	r.Cards = cards(c.Actor, conv1(conv))
	r.Updated = conv1(conv)
	return r, nil
}

// SetStatus closes or reopens a conversation for a trusted system surface
// (the API, whose token stands for the team, not a member): no permission
// check, and the history says via which surface.
func (s *Service) SetStatus(ctx context.Context, id int64, status inboxbot.Status, via inboxbot.Via) (inboxbot.Conversation, bool, error) {
	reason := "closed through the " + string(via)
	if status == inboxbot.StatusOpen {
		reason = "reopened through the " + string(via)
	}
	var before inboxbot.Conversation
	conv, changed, err := s.Store.SetStatus(ctx, inboxbot.StatusChange{ConversationID: id, Status: status, Via: via, Reason: reason,
		Check: func(cur inboxbot.Conversation) error { before = cur; return nil }})
	if err == nil && changed && status == inboxbot.StatusClosed && before.Assigned() {
		s.freed(ctx, before.AssigneeID, freedCause(before.AssigneeName, "closed", conv), 0)
	}
	return conv, changed, err
}
