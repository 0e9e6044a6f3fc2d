// Package bot holds what the chat adapters share: delivery of the outbox's
// direct messages with retries, back-off and platform rate limits.
package bot

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// Sender delivers one notification as a direct message on its platform.
// The notification's DedupeKey identifies it across retries.
type Sender interface {
	Send(ctx context.Context, n inboxbot.Notification) error
}

// Outbox delivers queued notifications through one Sender per platform.
// Several replicas may run one each: the store's leases keep them apart,
// and a row is sent only while its lease holds (renewed just before the
// send, which must answer within half the lease). A send the platform
// accepted is remembered until its record is written, through a database
// outage, and recorded before anything is leased again. Run and Flush are
// not safe for concurrent use.
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
	// may take it over; 0 means one minute. A send may take half of it.
	Lease time.Duration
	// Batch is how many notifications one lease takes; 0 means 10.
	Batch int
	// Grace is how long, once Run's or Flush's context ends, the send in
	// flight and its record may still take (INBOXBOT_SHUTDOWN_TIMEOUT);
	// 0 means 20s.
	Grace time.Duration

	// unrecorded are notifications the platform accepted whose record
	// has not been written yet.
	unrecorded []int64
	hints      hints
}

// Run delivers notifications until ctx is done, then lets the send in
// flight finish, records it and gives back its leases, within Grace.
func (o *Outbox) Run(ctx context.Context) error {
	return rounds(ctx, cmp.Or(o.Grace, defaultGrace), cmp.Or(o.Poll, time.Second), o.log(),
		"outbox: delivery round failed", o.flush,
		func(work context.Context) error { return errors.Join(o.record(work), o.Store.Release(work, o.Owner)) })
}

// Flush delivers what is due now, in batches, and returns how many
// notifications were sent. When ctx ends it stops leasing; the send in
// flight is finished and recorded within Grace.
func (o *Outbox) Flush(ctx context.Context) (int, error) {
	work, stop := detach(ctx, cmp.Or(o.Grace, defaultGrace))
	defer stop()
	return o.flush(ctx, work)
}

func (o *Outbox) flush(ctx, work context.Context) (int, error) {
	// What was sent before an outage is recorded before anything else:
	// until then, it is still this replica's.
	if err := o.record(work); err != nil {
		return 0, err
	}
	platforms := make([]inboxbot.Platform, 0, len(o.Senders))
	for p := range o.Senders {
		platforms = append(platforms, p)
	}
	sent := 0
	for ctx.Err() == nil {
		batch, err := o.Store.Lease(ctx, o.Owner, platforms, cmp.Or(o.Batch, 10), o.lease())
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		for _, n := range batch {
			if ctx.Err() != nil {
				break // shutting down: Run gives the rest back
			}
			ok, err := o.deliver(ctx, work, n)
			if ok {
				sent++
			}
			if err != nil {
				return sent, err
			}
		}
	}
	return sent, nil
}

// deliver sends one notification if it is still this replica's to send,
// records the outcome and reports whether it was sent. Only a failure of
// the database is returned: a failed send is rescheduled.
func (o *Outbox) deliver(ctx, work context.Context, n inboxbot.Notification) (bool, error) {
	attempts, ours, err := o.Store.Hold(ctx, n.ID, o.Owner, o.lease())
	if err != nil || !ours {
		return false, err
	}
	n.Attempts = attempts
	send, cancel := context.WithTimeout(work, o.lease()/2)
	err = o.send(send, n)
	cancel()
	if err == nil {
		o.unrecorded = append(o.unrecorded, n.ID)
		return true, o.record(work)
	}
	rec, cancel := context.WithTimeout(work, o.lease()/2)
	defer cancel()
	var perm *Permanent
	if errors.As(err, &perm) {
		o.log().Warn("outbox: delivery failed for good", "notification", n.ID, "platform", n.Platform, "err", err)
		return false, o.Store.GiveUp(rec, n.ID, o.Owner, err)
	}
	wait := Backoff(n.Attempts)
	var rl *RateLimited
	if errors.As(err, &rl) {
		wait = rl.After
	}
	if o.hints == nil {
		o.hints = hints{}
	}
	attrs := []any{"notification", n.ID, "platform", n.Platform, "attempt", n.Attempts, "retry_in", wait.String()}
	if o.hints.report(o.log(), o.now(), err, attrs...) {
		// Not the message's fault: it waits for the fix, never given up.
		return false, o.Store.Postpone(rec, n.ID, o.Owner, o.now().Add(wait), err)
	}
	o.log().Warn("outbox: delivery failed; will retry", append(attrs, "err", err)...)
	return false, o.Store.Retry(rec, n.ID, o.Owner, o.now().Add(wait), err)
}

// record writes what was sent and not yet recorded; what it cannot write
// stays for the next try.
func (o *Outbox) record(work context.Context) error {
	return recordEach(work, &o.unrecorded, o.lease(), "sent notifications", o.Store.Sent)
}

func (o *Outbox) lease() time.Duration { return cmp.Or(o.Lease, time.Minute) }

func (o *Outbox) now() time.Time { return clock(o.Now) }

func (o *Outbox) log() *slog.Logger { return logger(o.Log) }
