package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

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

// NeedsOperator is the error a Sender or CardRenderer returns for a failure
// only an operator can fix (the bot is not in the inbox channel, its token
// was refused, a scope or permission is missing). The delivery loops log
// it once per Cause with Hint, and retry the row with growing back-off.
type NeedsOperator struct {
	// Cause names the failure, such as "slack not_in_channel".
	Cause string
	// Hint says what to do, such as "invite the bot to the inbox channel: /invite @inboxbot".
	Hint string
	Err  error
}

func (e *NeedsOperator) Error() string { return e.Cause + " (" + e.Hint + "): " + e.Err.Error() }

// Unwrap returns the platform's error.
func (e *NeedsOperator) Unwrap() error { return e.Err }

// ErrCardGone is what a CardRenderer returns (wrapped) when the card it
// was asked to edit no longer exists (someone deleted it): the card loop
// then posts it anew.
var ErrCardGone = errors.New("the card was deleted")

// Backoff is the wait before retry number attempt: exponential from 2s,
// capped at 10 minutes, with jitter so replicas do not retry in step.
func Backoff(attempt int) time.Duration {
	d := 2 * time.Second << min(max(attempt, 0), 9)
	d = min(d, 10*time.Minute)
	return d/2 + rand.N(d/2+1)
}

// hintEvery is how often the same operator failure is logged again while
// it lasts: once, then as a reminder.
const hintEvery = time.Hour

// hints logs each operator failure once per cause (and again after
// hintEvery), so that a misconfiguration is one clear line, not one per
// try. A loop owns one; it is not safe for concurrent use.
type hints map[string]time.Time

// report logs err at error level with its hint the first time its cause
// is seen (and after hintEvery), and reports whether err needs an operator.
func (h hints) report(log *slog.Logger, now time.Time, err error, attrs ...any) bool {
	var op *NeedsOperator
	if !errors.As(err, &op) {
		return false
	}
	if last, ok := h[op.Cause]; ok && now.Sub(last) < hintEvery {
		return true
	}
	h[op.Cause] = now
	log.Error(op.Cause+": "+op.Hint, append(attrs, "err", op.Err.Error(), "logged_again_in", hintEvery.String())...)
	return true
}

// detach returns the context in-flight work runs under: not ended by ctx,
// so that a send the platform may already have is finished and recorded
// on shutdown, but ended grace after ctx ends. Call stop when done.
func detach(ctx context.Context, grace time.Duration) (work context.Context, stop func()) {
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	unhook := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		context.AfterFunc(work, func() { t.Stop() })
	})
	return work, func() { unhook(); cancel() }
}

// rounds is the shape every delivery loop shares: flush what is due every
// poll until ctx is done, then finish (record what was sent, give the
// leases back). flush stops leasing when ctx ends and finishes the send in
// flight under work, which detach keeps alive for grace; a failed round
// is logged as failed and the next one tries again.
func rounds(ctx context.Context, grace, poll time.Duration, log *slog.Logger, failed string,
	flush func(ctx, work context.Context) (int, error), finish func(work context.Context) error) error {
	work, stop := detach(ctx, grace)
	defer stop()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := flush(ctx, work); err != nil && ctx.Err() == nil {
			log.Warn(failed, "err", err)
		}
		select {
		case <-ctx.Done():
			return finish(work)
		case <-t.C:
		}
	}
}

// defaultGrace is how long in-flight sends may take after a stop when the
// loop was given no Grace: INBOXBOT_SHUTDOWN_TIMEOUT's default.
const defaultGrace = 20 * time.Second

// recordEach records what a loop sent and has not recorded yet, oldest
// first, with write, each under half a lease (what a send may take too);
// what it cannot write stays in pending for the next try. what names the
// items in the error.
func recordEach[T any](work context.Context, pending *[]T, lease time.Duration, what string, write func(context.Context, T) error) error {
	for len(*pending) > 0 {
		ctx, cancel := context.WithTimeout(work, lease/2)
		err := write(ctx, (*pending)[0])
		cancel()
		if err != nil {
			return fmt.Errorf("record %d %s: %w", len(*pending), what, err)
		}
		*pending = (*pending)[1:]
	}
	return nil
}

// clock is now(), or time.Now() when now is nil.
func clock(now func() time.Time) time.Time {
	if now != nil {
		return now()
	}
	return time.Now()
}

// logger is l, or slog.Default() when l is nil.
func logger(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.Default()
}
