package bot

import (
	"context"
	"sync"
	"time"
)

// Deadline is how a chat surface answers within its platform's limit
// (three seconds on Slack and Discord): work done within Budget is
// answered at once; slower work is acknowledged, goes on for up to
// Timeout, and is followed up when done. Wait lets shutdown finish the
// work that went on. The zero value is not usable: set Budget.
type Deadline struct {
	// Budget is how long the work may take before it is acknowledged
	// instead of answered; it leaves the rest of the platform's limit for
	// the network.
	Budget time.Duration
	// Timeout bounds the work and its follow-up, which outlive the
	// request; 0 means a minute.
	Timeout time.Duration

	inflight sync.WaitGroup
}

// Wait returns once all work that went on after an acknowledgement, and
// its follow-up, is done.
func (d *Deadline) Wait() { d.inflight.Wait() }

// Answer runs work with a context that outlives ctx (but not Timeout). When
// work returns within the budget, inTime gets its result, in the caller's
// goroutine, before Answer returns. Otherwise ack is called at once (the
// platform's "got it", which must go out within the limit) and, once work
// returns, followUp gets the result in the background; ack's error, if
// any, is handed to followUp too, which usually means the answer is lost.
// Any of inTime, ack and followUp may be nil.
func Answer[T any](ctx context.Context, d *Deadline, work func(context.Context) T,
	inTime func(T), ack func() error, followUp func(ctx context.Context, result T, ackErr error)) {
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	done := make(chan T, 1)
	d.inflight.Add(1)
	go func() {
		defer d.inflight.Done()
		done <- work(wctx)
	}()
	t := time.NewTimer(d.Budget)
	defer t.Stop()
	select {
	case r := <-done:
		cancel()
		if inTime != nil {
			inTime(r)
		}
		return
	case <-t.C:
	}
	var ackErr error
	if ack != nil {
		ackErr = ack()
	}
	d.inflight.Add(1)
	go func() {
		defer d.inflight.Done()
		defer cancel()
		r := <-done
		if followUp != nil {
			followUp(wctx, r, ackErr)
		}
	}()
}

// Go runs fn in the background, counted by Wait: for work a surface
// starts after it has answered (a confirmation, an event's handling).
func (d *Deadline) Go(fn func()) {
	d.inflight.Add(1)
	go func() {
		defer d.inflight.Done()
		fn()
	}()
}
