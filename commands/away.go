package commands

import "context"

// away marks the asker away: rules that skip away members pass them by.
// It does not touch what they already hold.
func (s *Service) away(ctx context.Context, c call) (Response, error) {
	if err := s.Store.SetAway(ctx, c.Actor.ID, true); err != nil {
		return Response{}, err
	}
	return reply("You are away.", "Rules that skip away members will not assign you conversations until you say /inbox back."), nil
}

// back marks the asker available again.
func (s *Service) back(ctx context.Context, c call) (Response, error) {
	if err := s.Store.SetAway(ctx, c.Actor.ID, false); err != nil {
		return Response{}, err
	}
	return reply("Welcome back: you are available.", "Rules may assign you conversations again."), nil
}
