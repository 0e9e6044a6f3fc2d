package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// pruneOutbox deletes, at start and then periodically, the notifications
// older than retention that are done with (sent or given up) or that no
// replica delivers (pending for a platform that is off: see
// store.PruneOutbox), and the delivery ids older than a day that dedupe
// events and replayed requests (store.PruneDeliveries: recording one is a
// single statement on the hot path). Every replica runs it; deleting twice
// is harmless.
func pruneOutbox(ctx context.Context, st *store.Store, retention time.Duration, on []inboxbot.Platform, log *slog.Logger) {
	t := time.NewTicker(min(max(retention/24, time.Minute), time.Hour))
	defer t.Stop()
	for {
		n, err := st.PruneOutbox(ctx, time.Now().Add(-retention), on)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("outbox pruning failed; retrying at the next tick", "err", err)
		case n > 0:
			log.Info("pruned the outbox", "notifications", n, "older_than", retention.String())
		}
		if d, err := st.PruneDeliveries(ctx); err != nil && ctx.Err() == nil {
			log.Warn("pruning delivery ids failed; retrying at the next tick", "err", err)
		} else if d > 0 {
			log.Debug("pruned delivery ids", "ids", d)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
