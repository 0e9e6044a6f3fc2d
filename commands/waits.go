package commands

import (
	"context"
	"fmt"

	"github.com/inboxbot/inboxbot"
)

// drainFor offers the Team inbox to the rules again, oldest first, after
// member became able to take more: back from away, or a conversation
// closed, unassigned or reassigned away from them. It runs in the request
// that freed them, after that change committed, each placement in a short
// transaction of its own. A failure is logged, not reported: the change
// the member asked for is done, and the sweep offers the queue again
// within a minute.
func (s *Service) drainFor(ctx context.Context, member int64, cause string, skip int64) []inboxbot.Conversation {
	if s.Route == nil || member == 0 {
		return nil
	}
	res, err := s.Store.Drain(ctx, inboxbot.Drain{Member: member, Cause: cause, Skip: skip}, s.Route)
	if err != nil {
		s.log().Warn("drain after a member became available failed; the sweep will offer the Team inbox again",
			"member", member, "cause", cause, "err", err)
	}
	return res.Placed
}

// Sweep offers waiting conversations to the published rules again,
// oldest first, from after, looking at up to limit of them (0: the
// store's default); it reports what it placed and where the next sweep
// resumes. Every replica may run it: each conversation is placed by one.
// It catches what no member's action announces, such as working hours
// starting.
func (s *Service) Sweep(ctx context.Context, after inboxbot.DrainCursor, limit int) (inboxbot.DrainResult, error) {
	if s.Route == nil {
		return inboxbot.DrainResult{Done: true}, nil
	}
	return s.Store.Drain(ctx, inboxbot.Drain{After: after, Limit: limit}, s.Route)
}

// ReassignOverdue moves on the conversations whose assignee let their
// rule's reassign_after pass unanswered (see store.ReassignOverdue). The
// sweep calls it every minute; every replica may.
func (s *Service) ReassignOverdue(ctx context.Context) ([]inboxbot.Conversation, error) {
	if s.Route == nil {
		return nil, nil
	}
	return s.Store.ReassignOverdue(ctx, s.Route)
}

// freedCause says why a member has room again after conv left them.
func freedCause(name, verb string, conv inboxbot.Conversation) string {
	return fmt.Sprintf("%s had room after %s was %s", name, conv.Ref(), verb)
}
