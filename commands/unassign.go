package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// unassign returns a conversation to the Team inbox; the store notifies the
// previous assignee.
func (s *Service) unassign(ctx context.Context, c call) (Response, error) {
	var before inboxbot.Conversation
	check := changeHandsCheck(c.Actor, "unassign")
	conv, changed, err := s.Store.Assign(ctx, inboxbot.Change{
		ConversationID: c.Cmd.ID, To: 0, Actor: c.Actor.ID, Via: c.Via, Reason: "unassigned by hand",
		Check: func(cur inboxbot.Conversation) error {
			before = cur
			return check(cur)
		},
	})
	if err != nil {
		return Response{}, err
	}
	if !changed {
		r := reply(fmt.Sprintf("%s is already in the Team inbox.", conv.Ref()), "Nothing changed.")
		r.Cards = cards(c.Actor, conv1(conv))
		return r, nil
	}
	// The one put back waits for the sweep, not straight back to its holder.
	s.freed(ctx, before.AssigneeID, freedCause(before.AssigneeName, "unassigned", conv), conv.ID)
	title := fmt.Sprintf("%s unassigned %s from %s; it is back in the Team inbox", c.Actor.Name, conv.Ref(), before.AssigneeName)
	if before.AssigneeID == c.Actor.ID {
		title = fmt.Sprintf("%s put %s back in the Team inbox", c.Actor.Name, conv.Ref())
	}
	r := announce(title, "")
	r.Cards = cards(c.Actor, conv1(conv))
	r.Updated = conv1(conv)
	return r, nil
}
