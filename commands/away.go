package commands

import (
	"context"
	"fmt"
	"strings"
)

// away marks the asker away: rules that skip away members pass them by.
// What they hold stays with them, except conversations of rules whose
// when_away hands them over: back to the Team inbox (team) or to the
// rule's next eligible member (reroute). Saying away again retries a
// hand-over that failed.
func (s *Service) away(ctx context.Context, c call) (Response, error) {
	if err := s.Store.SetAway(ctx, c.Actor.ID, true); err != nil {
		return Response{}, err
	}
	r := reply("You are away.", "Rules that skip away members will not assign you conversations until you say /inbox back.")
	if s.Route == nil {
		return r, nil
	}
	moved, err := s.Store.HandOver(ctx, c.Actor.ID, c.Actor.Name+" went away", s.Route)
	if err != nil {
		return Response{}, fmt.Errorf("you are away, but handing over your conversations failed (say /inbox away again): %w", err)
	}
	if len(moved) > 0 {
		var lines []string
		for _, conv := range moved {
			to := "the Team inbox"
			if conv.Assigned() {
				to = conv.AssigneeName
			}
			lines = append(lines, fmt.Sprintf("%s (%s) went to %s", conv.Ref(), conv.Contact.DisplayName(), to))
		}
		r.Text += "\nRules that hand over when you are away moved " + fmt.Sprint(len(moved)) + " of your conversations:\n" + strings.Join(lines, "\n")
		r.Updated = moved
	}
	return r, nil
}

// back marks the asker available again and, when they were away, offers
// the Team inbox to the rules after answering: the rules may give them
// waiting conversations, oldest first, up to their capacity, and a DM
// tells them of each.
func (s *Service) back(ctx context.Context, c call) (Response, error) {
	if err := s.Store.SetAway(ctx, c.Actor.ID, false); err != nil {
		return Response{}, err
	}
	if c.Actor.Away {
		s.cameBack(ctx, c.Actor.ID, c.Actor.Name+" came back")
	}
	return reply("Welcome back: you are available.", "Rules may assign you conversations again; a DM tells you of each."), nil
}
