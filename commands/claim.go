package commands

import (
	"context"
	"fmt"
)

// claim takes an unassigned conversation for the asker. The store makes it
// atomic: of several claimers one wins and the others are told who did.
func (s *Service) claim(ctx context.Context, c call) (Response, error) {
	conv, changed, err := s.Store.Claim(ctx, c.Cmd.ID, c.Actor.ID, c.Via)
	if err != nil {
		return Response{}, err
	}
	if !changed {
		r := reply(fmt.Sprintf("%s is already yours.", conv.Ref()), "")
		r.Cards = cards(c.Actor, conv1(conv))
		return r, nil
	}
	r := announce(fmt.Sprintf("%s claimed %s", c.Actor.Name, conv.Ref()), "")
	r.Cards = cards(c.Actor, conv1(conv))
	r.Updated = conv1(conv)
	return r, nil
}
