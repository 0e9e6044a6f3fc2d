package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// slaEvery is how often the service-level timer looks for due warnings,
// breaches and escalation steps: the most a 30-second target's breach is
// late by.
const slaEvery = 5 * time.Second

// slaTimer runs the service-level timer on every replica: each reads the
// due rows of an index, a batch at a time, and a row another replica is
// handling is skipped, so every warning, breach and step happens once.
func slaTimer(ctx context.Context, svc *commands.Service, log *slog.Logger) {
	t := time.NewTicker(slaEvery)
	defer t.Stop()
	for {
		slaOnce(ctx, svc, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// slaOnce handles everything due now, a batch at a time.
func slaOnce(ctx context.Context, svc *commands.Service, log *slog.Logger) {
	for ctx.Err() == nil {
		res, err := svc.SLATimer(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("service-level timer failed; retrying at the next tick", "err", err)
			}
			return
		}
		if len(res.Breached) > 0 || res.Steps > 0 {
			log.Info("service levels", "breaches", len(res.Breached), "warnings", res.Warned, "steps", res.Steps)
		}
		// A full batch may have more behind it; anything less was all.
		if res.Looked < store.SLABatch {
			return
		}
	}
}
