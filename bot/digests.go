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

// DigestRenderer shows managers their alert digest on one platform.
type DigestRenderer interface {
	// RenderDigest posts job's text to the manager job.To in a direct
	// message when job.Message.MessageID is empty, else edits that
	// message, and returns the message as posted (channel and message id).
	// A post with job.Replaces set then deletes that older alert message
	// if it is still there (a failure to delete is logged, not returned);
	// with the manager, it tells one post from another. A *RateLimited error
	// makes the loop wait; ErrCardGone (the message was deleted) makes it
	// post anew. The message carries a button of commands.ActionWaiting.
	RenderDigest(ctx context.Context, job store.DigestJob) (store.DigestMessage, error)
}

// Digests keeps each manager's alert message on one platform in step with
// what needs someone: conversations waiting unassigned longer than After,
// and those past their service level. Each manager has at most one alert
// message per platform, edited in place; a new one (the older one deleted)
// at most once per Period, when more need someone than the message showed.
// When nothing needs someone any more the message is edited to say so. The
// digest is computed once per round with bounded queries (store.Digest).
// Several replicas may run one each: leases keep them from posting or
// editing the same message at once, a message is rendered only while its
// lease holds, and one posted is remembered until its record is written,
// through a database outage. Run and Flush are not safe for concurrent use.
type Digests struct {
	Store    *store.Store
	Platform inboxbot.Platform
	Renderer DigestRenderer
	// Owner names this replica in leases; it must be unique per process.
	Owner string
	Log   *slog.Logger
	// After is the alert age (INBOXBOT_UNASSIGNED_ALERT_AFTER).
	After time.Duration
	// Period is the least time between two new alert messages to one
	// manager; 0 means After.
	Period time.Duration
	// Poll is how often Run computes the digest; 0 means 10s.
	Poll time.Duration
	// Lease is how long a replica may hold a message; 0 means 30s.
	Lease time.Duration
	// Grace is how long, once Run's or Flush's context ends, the render in
	// flight and its record may still take; 0 means 20s.
	Grace time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	unrecorded []renderedDigest
	failures   map[int64]int
	hints      hints
}

// renderedDigest is an alert message the platform shows, not yet recorded.
type renderedDigest struct {
	msg   store.DigestMessage
	text  string
	total int
}

// Run keeps the alert messages in step until ctx is done, then lets the
// render in flight finish, records it and gives back its leases.
func (g *Digests) Run(ctx context.Context) error {
	return rounds(ctx, cmp.Or(g.Grace, defaultGrace), cmp.Or(g.Poll, 10*time.Second),
		g.log().With("platform", g.Platform), "alerts: round failed", g.flush,
		func(work context.Context) error {
			return errors.Join(g.record(work), g.Store.ReleaseDigests(work, g.Owner))
		})
}

// Flush computes the digest once and posts or edits every alert message
// that must change; it returns how many it rendered.
func (g *Digests) Flush(ctx context.Context) (int, error) {
	work, stop := detach(ctx, cmp.Or(g.Grace, defaultGrace))
	defer stop()
	return g.flush(ctx, work)
}

func (g *Digests) flush(ctx, work context.Context) (int, error) {
	if err := g.record(work); err != nil {
		return 0, err
	}
	now := g.now()
	d, err := g.Store.Digest(ctx, now.Add(-g.After), g.After)
	if err != nil {
		return 0, err
	}
	jobs, err := g.Store.PendingDigests(ctx, g.Platform, g.Owner, d, DigestText(d, now), g.lease())
	if err != nil {
		return 0, err
	}
	done := 0
	for i, job := range jobs {
		if ctx.Err() != nil {
			break
		}
		ok, wait, err := g.render(ctx, work, job)
		if ok {
			done++
		}
		if err != nil {
			return done, err
		}
		if wait > 0 {
			// The rest would be refused too: give them back for later.
			for _, rest := range jobs[i+1:] {
				if err := g.Store.RetryDigest(ctx, rest.Message, g.Owner, now.Add(wait)); err != nil {
					return done, err
				}
			}
			break
		}
	}
	return done, nil
}

// render posts or edits one alert message if it is still this replica's,
// records the outcome, and reports whether it rendered and how long the
// platform asked to wait. Only a failure of the database is returned.
func (g *Digests) render(ctx, work context.Context, job store.DigestJob) (bool, time.Duration, error) {
	msg, ours, err := g.Store.HoldDigest(ctx, job.Message, g.Owner, g.lease())
	if err != nil || !ours {
		return false, 0, err
	}
	now := g.now()
	job.Message = msg
	if msg.MessageID != "" && !job.Digest.Empty() && job.Digest.Total() > job.ShownTotal &&
		now.Sub(msg.PostedAt) >= cmp.Or(g.Period, g.After) {
		// More need someone and the message is old: a new one notifies.
		job.Replaces, job.Message.MessageID = msg.MessageID, ""
	}
	send, cancel := context.WithTimeout(work, g.lease()/2)
	posted, err := g.Renderer.RenderDigest(send, job)
	if errors.Is(err, ErrCardGone) {
		g.log().Info("alerts: the alert message was deleted; posting it again", "platform", g.Platform,
			"member", msg.MemberID, "message", job.Message.MessageID)
		job.Replaces, job.Message.MessageID = job.Message.MessageID, ""
		posted, err = g.Renderer.RenderDigest(send, job)
	}
	cancel()
	id := msg.MemberID
	if err == nil {
		delete(g.failures, id)
		posted.MemberID, posted.Platform, posted.PostedAt = msg.MemberID, msg.Platform, msg.PostedAt
		if job.Message.MessageID == "" {
			posted.PostedAt = now
		}
		g.unrecorded = append(g.unrecorded, renderedDigest{posted, job.Text, job.Digest.Total()})
		return true, 0, g.record(work)
	}
	if g.failures == nil {
		g.failures, g.hints = map[int64]int{}, hints{}
	}
	var wait time.Duration
	var rl *RateLimited
	if errors.As(err, &rl) {
		wait = rl.After
	} else {
		g.failures[id]++
		wait = Backoff(min(g.failures[id]-1, maxCardBackoff))
	}
	attrs := []any{"platform", g.Platform, "member", id, "tries", g.failures[id], "retry_in", wait.String()}
	if !g.hints.report(g.log(), now, err, attrs...) {
		g.log().Warn("alerts: render failed; will retry", append(attrs, "err", err)...)
	}
	rec, cancel := context.WithTimeout(work, g.lease()/2)
	defer cancel()
	if err := g.Store.RetryDigest(rec, msg, g.Owner, now.Add(wait)); err != nil {
		return false, 0, err
	}
	if rl != nil {
		return false, rl.After, nil
	}
	return false, 0, nil
}

// record writes the alert messages rendered and not yet recorded; what it
// cannot write stays for the next try.
func (g *Digests) record(work context.Context) error {
	return recordEach(work, &g.unrecorded, g.lease(), "alert messages", func(ctx context.Context, r renderedDigest) error {
		return g.Store.DigestRendered(ctx, r.msg, r.text, r.total, g.Owner)
	})
}

func (g *Digests) lease() time.Duration { return cmp.Or(g.Lease, 30*time.Second) }

func (g *Digests) now() time.Time { return clock(g.Now) }

func (g *Digests) log() *slog.Logger { return logger(g.Log) }
