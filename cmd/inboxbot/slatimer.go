package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// slaEvery is the longest the service-level timer waits between looks for
// due warnings, breaches and escalation steps: a due time set meanwhile
// (on this replica or another) is late by at most this much. A due time it
// saw coming wakes it at that time instead.
const slaEvery = 5 * time.Second

// slaTimer runs the service-level timer on every replica: each reads the
// due rows of an index, a batch at a time, and a row another replica is
// handling is skipped, so every warning, breach and step happens once.
func slaTimer(ctx context.Context, svc *commands.Service, log *slog.Logger) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		t.Reset(slaWait(slaOnce(ctx, svc, log), time.Now()))
	}
}

// slaWait is how long the timer sleeps when next is the earliest due
// time it saw (zero: none): until then, and at most slaEvery.
func slaWait(next, now time.Time) time.Duration {
	if next.IsZero() {
		return slaEvery
	}
	return min(max(next.Sub(now), 0), slaEvery)
}

// slaOnce handles everything due now, a batch at a time, and returns the
// earliest due time still ahead (zero when it does not know one).
func slaOnce(ctx context.Context, svc *commands.Service, log *slog.Logger) time.Time {
	for ctx.Err() == nil {
		res, err := svc.SLATimer(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("service-level timer failed; retrying at the next tick", "err", err)
			}
			return time.Time{}
		}
		if len(res.Breached) > 0 || res.Steps > 0 {
			log.Info("service levels", "breaches", len(res.Breached), "warnings", res.Warned, "steps", res.Steps)
		}
		// A full batch may have more behind it; anything less was all.
		if res.Looked < store.SLABatch {
			return res.Next
		}
	}
	return time.Time{}
}
