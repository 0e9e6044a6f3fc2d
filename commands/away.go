package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/inboxbot/inboxbot"
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

// back marks the asker available again and offers them the Team inbox:
// the rules may give them waiting conversations, oldest first, up to
// their capacity.
func (s *Service) back(ctx context.Context, c call) (Response, error) {
	if err := s.Store.SetAway(ctx, c.Actor.ID, false); err != nil {
		return Response{}, err
	}
	placed := s.drainFor(ctx, c.Actor.ID, c.Actor.Name+" came back", 0)
	r := reply("Welcome back: you are available.", "Rules may assign you conversations again.")
	if mine := heldBy(placed, c.Actor.ID); len(mine) > 0 {
		r.Text = fmt.Sprintf("Rules gave you %d waiting conversation(s) from the Team inbox, oldest first.", len(mine))
		r.Cards = cards(c.Actor, mine[:min(len(mine), maxDrainCards)])
	}
	r.Updated = placed
	return r, nil
}

// maxDrainCards bounds the cards a welcome back shows; the rest are in
// /inbox list mine.
const maxDrainCards = 10

// heldBy are the conversations of cs that member holds.
func heldBy(cs []inboxbot.Conversation, member int64) []inboxbot.Conversation {
	var out []inboxbot.Conversation
	for _, c := range cs {
		if c.AssigneeID == member {
			out = append(out, c)
		}
	}
	return out
}
