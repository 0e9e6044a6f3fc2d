package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// later runs fn after the answer, on s.Later, or at once when there is
// no runner (tests and tools that want the effect before the answer).
func (s *Service) later(ctx context.Context, fn func(ctx context.Context)) {
	if s.Later == nil {
		fn(ctx)
		return
	}
	s.Later.Go(fn)
}

// freed offers the Team inbox to the rules again, oldest first, after a
// conversation left member (closed, unassigned or reassigned away), when
// that gave them room they lacked: they were at capacity and are not any
// more. A member without a capacity, or who had room anyway, frees
// nothing the sweep would not already place. At most the one place freed
// is filled. It runs after the answer; two conversations leaving a full
// member at once may each see the other's room and leave it to the sweep.
func (s *Service) freed(ctx context.Context, member int64, cause string, skip int64) {
	if s.Route == nil || member == 0 {
		return
	}
	s.later(ctx, func(ctx context.Context) {
		m, err := s.Store.Member(ctx, member)
		if err != nil {
			s.drainFailed(member, cause, err)
			return
		}
		if m.Capacity == 0 || m.OpenCount >= m.Capacity || m.OpenCount+1 < m.Capacity {
			return
		}
		s.drain(ctx, inboxbot.Drain{Member: member, Cause: cause, Skip: skip, Max: 1})
	})
}

// cameBack offers the Team inbox to the rules again after member came
// back from away, filling at most the room they have (no bound but the
// drain's own for a member without a capacity).
func (s *Service) cameBack(ctx context.Context, member int64, cause string) {
	if s.Route == nil {
		return
	}
	s.later(ctx, func(ctx context.Context) {
		m, err := s.Store.Member(ctx, member)
		if err != nil {
			s.drainFailed(member, cause, err)
			return
		}
		room := 0
		if m.Capacity > 0 {
			if room = m.Capacity - m.OpenCount; room <= 0 {
				return
			}
		}
		s.drain(ctx, inboxbot.Drain{Member: member, Cause: cause, Max: room})
	})
}

// offer offers the Team inbox to the rules again after the rules changed
// (a rule published) or conversations changed hands (a contact assign),
// placing at most max (0: as many as the sweep's budget allows); cause
// says why in the reasons.
func (s *Service) offer(ctx context.Context, max int, cause string) {
	if s.Route == nil {
		return
	}
	s.later(ctx, func(ctx context.Context) {
		if _, err := s.sweep(ctx, inboxbot.Drain{Max: max, Cause: cause}, SweepBudget); err != nil && ctx.Err() == nil {
			s.log().Warn("offering the Team inbox to the rules failed; the sweep will offer it again", "err", err)
		}
	})
}

// drain runs a drain for a member and logs a failure: the change the
// member asked for is done, and the sweep offers the queue again.
func (s *Service) drain(ctx context.Context, d inboxbot.Drain) {
	if _, err := s.Store.Drain(ctx, d, s.Route); err != nil && ctx.Err() == nil {
		s.drainFailed(d.Member, d.Cause, err)
	}
}

func (s *Service) drainFailed(member int64, cause string, err error) {
	s.log().Warn("drain after a member became available failed; the sweep will offer the Team inbox again",
		"member", member, "cause", cause, "err", err)
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

// SLATimer sends the service-level warnings, breaches and escalation
// steps that are due, a batch at a time (see store.SLATimer).
func (s *Service) SLATimer(ctx context.Context) (store.SLATick, error) {
	return s.Store.SLATimer(ctx, s.Route, s.Chats)
}

// freedCause says why a member has room again after conv left them.
func freedCause(name, verb string, conv inboxbot.Conversation) string {
	return fmt.Sprintf("%s had room after %s was %s", name, conv.Ref(), verb)
}

// SweepBudget is how long one sweep may keep placing conversations
// before it leaves the rest to the next one.
const SweepBudget = 40 * time.Second

// sweepChunk is how many waiting conversations a sweep looks at between
// checks of its budget; sweepIdle is how many it looks at without placing
// any before it stops: a queue nobody can take is walked a part at a time.
const (
	sweepChunk = 200
	sweepIdle  = 2000
)

// Swept is what a sweep did.
type Swept struct {
	// Placed and Looked count the conversations assigned and looked at.
	Placed, Looked int
	// Next is where the next sweep resumes; zero when this one reached
	// the end of the queue.
	Next inboxbot.DrainCursor
}

// SweepFor offers waiting conversations to the published rules again,
// oldest first, from after: it keeps going while it places
// conversations, until the queue ends, budget runs out, max are placed
// (0: no bound) or sweepIdle in a row could not be placed. Every replica
// may run it at once: each skips what another is placing.
func (s *Service) SweepFor(ctx context.Context, after inboxbot.DrainCursor, budget time.Duration, max int) (Swept, error) {
	return s.sweep(ctx, inboxbot.Drain{After: after, Max: max}, budget)
}

// sweep is SweepFor from from.After, placing at most from.Max, with
// from.Cause in the reasons.
func (s *Service) sweep(ctx context.Context, from inboxbot.Drain, budget time.Duration) (Swept, error) {
	if s.Route == nil {
		return Swept{}, nil
	}
	max := from.Max
	deadline := time.Now().Add(budget)
	out := Swept{Next: from.After}
	idle := 0
	for {
		d := inboxbot.Drain{After: out.Next, Limit: sweepChunk, Cause: from.Cause}
		if max > 0 {
			d.Max = max - out.Placed
		}
		res, err := s.Store.Drain(ctx, d, s.Route)
		out.Placed += len(res.Placed)
		out.Looked += res.Looked
		out.Next = res.Next
		if err != nil {
			return out, err
		}
		if len(res.Placed) > 0 {
			idle = 0
		} else {
			idle += res.Looked
		}
		switch {
		case res.Done:
			out.Next = inboxbot.DrainCursor{}
			return out, nil
		case max > 0 && out.Placed >= max, idle >= sweepIdle, !time.Now().Before(deadline):
			return out, nil
		}
	}
}
