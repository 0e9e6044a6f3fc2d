package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
)

// contactAssign makes a member the owner of a contact: the contact's open
// conversations move to them and new ones go to them before any rule.
func (s *Service) contactAssign(ctx context.Context, c call) (Response, error) {
	if err := requireRole(c.Actor, inboxbot.RoleManager, "assign contacts"); err != nil {
		return Response{}, err
	}
	owner, err := s.assignee(ctx, c, c.Cmd.Member)
	if err != nil {
		return Response{}, err
	}
	contact, moved, err := s.Store.AssignContact(ctx, c.Cmd.Contact, owner.ID, c.Actor.ID)
	if err != nil {
		return Response{}, err
	}
	text := "No open conversation changed hands."
	if len(moved) > 0 {
		// Whoever held them may have room now: at most that many of the
		// waiting conversations are offered to the rules, after the answer.
		s.offer(ctx, len(moved), fmt.Sprintf("%s took over contact %s's conversations", owner.Name, c.Cmd.Contact))
		refs := make([]string, len(moved))
		for i, m := range moved {
			refs[i] = m.Ref()
		}
		text = fmt.Sprintf("Moved to %s: %s.", owner.Name, strings.Join(refs, ", "))
	}
	r := announce(fmt.Sprintf("%s made %s the owner of contact %s", c.Actor.Name, owner.Name, contact.DisplayName()),
		text+" New conversations of this contact go to "+owner.Name+" before any rule runs.")
	r.Cards = cards(c.Actor, moved)
	r.Updated = moved
	return r, nil
}
