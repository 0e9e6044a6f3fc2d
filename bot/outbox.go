// Package bot holds what the chat adapters share: delivery of the outbox's
// direct messages with retries, back-off and platform rate limits.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// Sender delivers one notification as a direct message on its platform.
// The notification's DedupeKey identifies it across retries.
type Sender interface {
	Send(ctx context.Context, n inboxbot.Notification) error
}

// RateLimited is the error a Sender returns when the platform asked to wait
// (HTTP 429 with Retry-After): the notification is retried after After
// instead of after the usual back-off.
type RateLimited struct{ After time.Duration }

func (e *RateLimited) Error() string { return fmt.Sprintf("rate limited: retry after %s", e.After) }

// Permanent is the error a Sender returns when retrying cannot help (the
// user does not exist, cannot receive DMs, left the workspace): the
// notification is given up at once, with Reason recorded.
type Permanent struct{ Reason string }

func (e *Permanent) Error() string { return "permanent failure: " + e.Reason }

// Outbox delivers queued notifications through one Sender per platform.
// Several replicas may run one each: the store's leases keep them apart.
type Outbox struct {
	Store   *store.Store
	Senders map[inboxbot.Platform]Sender
	// Owner names this replica in leases; it must be unique per process.
	Owner string
	Log   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Poll is how often Run looks for due notifications; 0 means 1s.
	Poll time.Duration
	// Lease is how long a replica may hold a notification before others
	// may take it over; 0 means one minute.
	Lease time.Duration
}

// Run delivers notifications until ctx is done, then gives back its leases.
func (o *Outbox) Run(ctx context.Context) error {
	poll := o.Poll
	if poll == 0 {
		poll = time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := o.Flush(ctx); err != nil && ctx.Err() == nil {
			o.log().Warn("outbox: delivery round failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return o.Store.Release(context.WithoutCancel(ctx), o.Owner)
		case <-t.C:
		}
	}
}

// Flush delivers what is due now, in batches, and returns how many
// notifications were sent.
func (o *Outbox) Flush(ctx context.Context) (int, error) {
	platforms := make([]inboxbot.Platform, 0, len(o.Senders))
	for p := range o.Senders {
		platforms = append(platforms, p)
	}
	lease := o.Lease
	if lease == 0 {
		lease = time.Minute
	}
	sent := 0
	for ctx.Err() == nil {
		batch, err := o.Store.Lease(ctx, o.Owner, platforms, 50, lease)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		for _, n := range batch {
			ok, err := o.deliver(ctx, n)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, ctx.Err()
}

// deliver sends one notification, records the outcome and reports whether
// it was sent. Only a failure to record is returned: a failed send is
// rescheduled.
func (o *Outbox) deliver(ctx context.Context, n inboxbot.Notification) (bool, error) {
	err := o.Senders[n.Platform].Send(ctx, n)
	if err == nil {
		return true, o.Store.Sent(ctx, n.ID, o.Owner)
	}
	var perm *Permanent
	if errors.As(err, &perm) {
		o.log().Warn("outbox: delivery failed for good", "notification", n.ID, "platform", n.Platform, "err", err)
		return false, o.Store.GiveUp(ctx, n.ID, o.Owner, err)
	}
	next := o.now().Add(Backoff(n.Attempts))
	var rl *RateLimited
	if errors.As(err, &rl) {
		next = o.now().Add(rl.After)
	}
	o.log().Warn("outbox: delivery failed; will retry", "notification", n.ID, "platform", n.Platform,
		"attempt", n.Attempts, "retry_at", next, "err", err)
	return false, o.Store.Retry(ctx, n.ID, o.Owner, next, err)
}

// Backoff is the wait before retry number attempt: exponential from 2s,
// capped at 10 minutes, with jitter so replicas do not retry in step.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second << min(attempt, 9)
	d = min(d, 10*time.Minute)
	return d/2 + rand.N(d/2+1)
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Outbox) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}
