package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot/server"
	"github.com/inboxbot/inboxbot/commands"
)

// sweepEvery is how often the Team inbox is offered to the rules again:
// the longest a conversation waits for a member who may take it.
const sweepEvery = time.Minute

// sweepTeamInbox moves on conversations whose reassign_after passed
// unanswered, then offers waiting conversations to the rules again, every
// minute, oldest first: this is what catches working hours starting, and
// what a drain after a member's action missed. A sweep keeps going while
// it places conversations, for up to commands.SweepBudget, so a backlog
// the rules can place drains in minutes; when it stopped for its budget
// the next one starts at once rather than at the next tick. Every replica
// runs it: each skips the conversations another is placing, so they
// share a backlog. The cursor is this replica's own.
func sweepTeamInbox(ctx context.Context, svc *commands.Service, metrics *server.Metrics, log *slog.Logger) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	var cursor inboxbot.DrainCursor
	for {
		reassignOverdue(ctx, svc, log)
		var more bool
		cursor, more = sweepOnce(ctx, svc, cursor, metrics, log)
		if more && ctx.Err() == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepOnce runs one sweep from cursor and returns where the next resumes,
// and whether it stopped for its budget while still placing.
func sweepOnce(ctx context.Context, svc *commands.Service, cursor inboxbot.DrainCursor, metrics *server.Metrics, log *slog.Logger) (inboxbot.DrainCursor, bool) {
	start := time.Now()
	res, err := svc.SweepFor(ctx, cursor, commands.SweepBudget, 0)
	if metrics != nil {
		metrics.Swept(res.Placed)
	}
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("sweep of the Team inbox failed; retrying at the next tick", "err", err)
		}
		return inboxbot.DrainCursor{}, false
	}
	if res.Placed > 0 {
		log.Info("sweep assigned waiting conversations", "conversations", res.Placed, "looked", res.Looked,
			"took", time.Since(start).Round(time.Millisecond).String())
	}
	return res.Next, res.Placed > 0 && time.Since(start) >= commands.SweepBudget
}

// reassignOverdue moves on every conversation whose reassign_after
// passed, a batch at a time.
func reassignOverdue(ctx context.Context, svc *commands.Service, log *slog.Logger) {
	for ctx.Err() == nil {
		moved, err := svc.ReassignOverdue(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("moving unanswered conversations failed; retrying at the next tick", "err", err)
			}
			return
		}
		if len(moved) > 0 {
			log.Info("moved unanswered conversations on", "conversations", len(moved))
		}
		if len(moved) == 0 {
			return
		}
	}
}
