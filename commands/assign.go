package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// assign gives a conversation to a member, replacing whoever held it. The
// permission check runs under the conversation's row lock.
func (s *Service) assign(ctx context.Context, c call) (Response, error) {
	to, err := s.assignee(ctx, c, c.Cmd.Member)
	if err != nil {
		return Response{}, err
	}
	var before inboxbot.Conversation
	check := changeHandsCheck(c.Actor, "reassign")
	conv, changed, err := s.Store.Assign(ctx, inboxbot.Change{
		ConversationID: c.Cmd.ID, To: to.ID, Actor: c.Actor.ID, Via: c.Via, Reason: "assigned by hand",
		Check: func(cur inboxbot.Conversation) error {
			before = cur
			return check(cur)
		},
	})
	if err != nil {
		return Response{}, err
	}
	if !changed {
		r := reply(fmt.Sprintf("%s is already assigned to %s.", conv.Ref(), to.Name), "Nothing changed.")
		r.Cards = cards(c.Actor, conv1(conv))
		return r, nil
	}
	title := fmt.Sprintf("%s assigned %s to %s", c.Actor.Name, conv.Ref(), to.Name)
	if before.Assigned() {
		s.freed(ctx, before.AssigneeID, freedCause(before.AssigneeName, "reassigned", conv), 0)
		title = fmt.Sprintf("%s reassigned %s from %s to %s", c.Actor.Name, conv.Ref(), before.AssigneeName, to.Name)
	}
	r := announce(title, "")
	r.Cards = cards(c.Actor, conv1(conv))
	r.Updated = conv1(conv)
	return r, nil
}

// conv1 is a one-conversation slice.
func conv1(c inboxbot.Conversation) []inboxbot.Conversation { return []inboxbot.Conversation{c} }
