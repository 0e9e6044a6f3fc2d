package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// away marks the asker away: rules that skip away members pass them by.
// It does not touch what they already hold.
func (s *Service) away(ctx context.Context, c call) (Response, error) {
	if err := s.Store.SetAway(ctx, c.Actor.ID, true); err != nil {
		return Response{}, err
	}
	return reply("You are away.", "Rules that skip away members will not assign you conversations until you say /inbox back."), nil
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
