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

// sweepLook bounds how many waiting conversations one sweep looks at; a
// longer queue is covered over several sweeps, resuming where the last
// stopped.
const sweepLook = 2000

// sweepTeamInbox moves on conversations whose reassign_after passed
// unanswered, then offers waiting conversations to the rules again, every
// minute, oldest first: this is what catches working hours starting, and
// what a drain after a member's action missed. Every replica runs it; the
// store places each conversation once. The cursor is this replica's own.
func sweepTeamInbox(ctx context.Context, svc *commands.Service, metrics *server.Metrics, log *slog.Logger) {
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	var cursor inboxbot.DrainCursor
	for {
		reassignOverdue(ctx, svc, log)
		cursor = sweepOnce(ctx, svc, cursor, metrics, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepOnce runs one sweep from cursor and returns where the next resumes.
func sweepOnce(ctx context.Context, svc *commands.Service, cursor inboxbot.DrainCursor, metrics *server.Metrics, log *slog.Logger) inboxbot.DrainCursor {
	res, err := svc.Sweep(ctx, cursor, sweepLook)
	if metrics != nil {
		metrics.Swept(len(res.Placed))
	}
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("sweep of the Team inbox failed; retrying at the next tick", "err", err)
		}
		return inboxbot.DrainCursor{}
	}
	if len(res.Placed) > 0 {
		log.Info("sweep assigned waiting conversations", "conversations", len(res.Placed), "looked", res.Looked)
	}
	if res.Done {
		return inboxbot.DrainCursor{}
	}
	return res.Next
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
