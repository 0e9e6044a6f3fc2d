package commands

import (
	"context"
	"fmt"
)

// follow subscribes the asker to a conversation's new inbound messages.
func (s *Service) follow(ctx context.Context, c call) (Response, error) {
	changed, err := s.Store.Follow(ctx, c.Cmd.ID, c.Actor.ID)
	if err != nil {
		return Response{}, err
	}
	return s.afterFollow(ctx, c, changed,
		"You now follow %s; you will get a DM when the contact writes.", "You already follow %s.")
}

// unfollow stops those updates.
func (s *Service) unfollow(ctx context.Context, c call) (Response, error) {
	changed, err := s.Store.Unfollow(ctx, c.Cmd.ID, c.Actor.ID)
	if err != nil {
		return Response{}, err
	}
	return s.afterFollow(ctx, c, changed, "You no longer follow %s.", "You were not following %s.")
}

// afterFollow answers follow and unfollow with the conversation as it is now.
func (s *Service) afterFollow(ctx context.Context, c call, changed bool, done, noop string) (Response, error) {
	conv, err := s.Store.Conversation(ctx, c.Cmd.ID)
	if err != nil {
		return Response{}, err
	}
	r := reply(fmt.Sprintf(noop, conv.Ref()), "")
	if changed {
		r = reply(fmt.Sprintf(done, conv.Ref()), "Followers: "+names(conv.Followers))
		r.Updated = conv1(conv)
	}
	r.Cards = cards(c.Actor, conv1(conv))
	return r, nil
}
