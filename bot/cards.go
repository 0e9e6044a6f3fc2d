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

// CardRenderer shows conversations in one platform's inbox channel.
type CardRenderer interface {
	// RenderCard posts job's card when job.Card.MessageID is empty, else
	// edits that message, and returns the card as posted (channel and
	// message id). A *RateLimited error makes the loop wait; ErrCardGone
	// (the message was deleted) makes it post the card anew.
	RenderCard(ctx context.Context, job store.CardJob) (inboxbot.Card, error)
}

// Cards keeps one platform's inbox-channel cards in step with their
// conversations: every open conversation gets a card, and every change
// (from any surface or replica) edits it. Changes made between two rounds
// cost one edit. Several replicas may run one each: the store's leases
// keep them from posting or editing the same card at once, a card is
// rendered only while its lease holds (renewed just before, the platform
// answering within half of it), and a card posted is remembered until its
// record is written, through a database outage. Run and Flush are not safe
// for concurrent use.
type Cards struct {
	Store    *store.Store
	Platform inboxbot.Platform
	Renderer CardRenderer
	// Owner names this replica in leases; it must be unique per process.
	Owner string
	Log   *slog.Logger
	// Poll is how often Run looks for due cards; 0 means 500ms, which keeps
	// a change within a second of reaching the card.
	Poll time.Duration
	// Lease is how long a replica may hold a card; 0 means 30s. A post or
	// edit may take half of it.
	Lease time.Duration
	// Batch is how many cards one lease takes; 0 means 10.
	Batch int
	// Grace is how long, once Run's or Flush's context ends, the render in
	// flight and its record may still take; 0 means 20s.
	Grace time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	unrecorded []renderedCard
	// failures counts each failing card's tries in a row, for its back-off.
	failures map[int64]int
	hints    hints
}

// renderedCard is a card the platform shows, not yet recorded.
type renderedCard struct {
	card    inboxbot.Card
	version int64
}

// maxCardBackoff bounds a failing card's back-off step (about two
// minutes), so that a fix by the operator shows soon.
const maxCardBackoff = 6

// Run renders due cards until ctx is done, then lets the render in flight
// finish, records it and gives back its leases, within Grace.
func (c *Cards) Run(ctx context.Context) error {
	return rounds(ctx, cmp.Or(c.Grace, defaultGrace), cmp.Or(c.Poll, 500*time.Millisecond),
		c.log().With("platform", c.Platform), "cards: round failed", c.flush,
		func(work context.Context) error {
			return errors.Join(c.record(work), c.Store.ReleaseCards(work, c.Owner))
		})
}

// Flush renders what is due now, in batches, and returns how many cards it
// posted or edited. When the platform rate-limits, it gives the rest of
// the batch back, waits as asked (or until ctx ends) and goes on.
func (c *Cards) Flush(ctx context.Context) (int, error) {
	work, stop := detach(ctx, cmp.Or(c.Grace, defaultGrace))
	defer stop()
	return c.flush(ctx, work)
}

func (c *Cards) flush(ctx, work context.Context) (int, error) {
	if err := c.record(work); err != nil {
		return 0, err
	}
	done := 0
	for ctx.Err() == nil {
		jobs, err := c.Store.PendingCards(ctx, c.Platform, c.Owner, cmp.Or(c.Batch, 10), c.lease())
		if err != nil || len(jobs) == 0 {
			return done, err
		}
		var wait time.Duration
		for _, job := range jobs {
			if ctx.Err() != nil || wait > 0 {
				break
			}
			var ok bool
			ok, wait, err = c.render(ctx, work, job)
			if ok {
				done++
			}
			if err != nil {
				return done, err
			}
		}
		if wait > 0 {
			// The rest of the batch would be refused too.
			if err := c.Store.ReleaseCards(ctx, c.Owner); err != nil {
				return done, err
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
	return done, nil
}

// render posts or edits one card if it is still this replica's, records
// the outcome, and reports whether it rendered and how long the platform
// asked to wait. Only a failure of the database is returned.
func (c *Cards) render(ctx, work context.Context, job store.CardJob) (bool, time.Duration, error) {
	card, ours, err := c.Store.HoldCard(ctx, job.Card, c.Owner, c.lease())
	if err != nil || !ours {
		return false, 0, err
	}
	job.Card = card
	send, cancel := context.WithTimeout(work, c.lease()/2)
	posted, err := c.Renderer.RenderCard(send, job)
	if errors.Is(err, ErrCardGone) {
		c.log().Info("cards: the card was deleted; posting it again", "platform", c.Platform,
			"conversation", card.ConversationID, "message", card.MessageID)
		job.Replaces, job.Card.MessageID = card.MessageID, ""
		posted, err = c.Renderer.RenderCard(send, job)
	}
	cancel()
	id := card.ConversationID
	if err == nil {
		delete(c.failures, id)
		c.unrecorded = append(c.unrecorded, renderedCard{posted, job.Version})
		return true, 0, c.record(work)
	}
	if c.failures == nil {
		c.failures, c.hints = map[int64]int{}, hints{}
	}
	var wait time.Duration
	var rl *RateLimited
	if errors.As(err, &rl) {
		wait = rl.After // the platform's pace, not this card's fault
	} else {
		c.failures[id]++
		wait = Backoff(min(c.failures[id]-1, maxCardBackoff))
	}
	attrs := []any{"platform", c.Platform, "conversation", id, "tries", c.failures[id], "retry_in", wait.String()}
	if !c.hints.report(c.log(), c.now(), err, attrs...) {
		c.log().Warn("cards: render failed; will retry", append(attrs, "err", err)...)
	}
	rec, cancel := context.WithTimeout(work, c.lease()/2)
	defer cancel()
	if err := c.Store.RetryCard(rec, card, c.Owner, c.now().Add(wait)); err != nil {
		return false, 0, err
	}
	if rl != nil {
		return false, rl.After, nil
	}
	return false, 0, nil
}

// record writes the cards rendered and not yet recorded; what it cannot
// write stays for the next try.
func (c *Cards) record(work context.Context) error {
	return recordEach(work, &c.unrecorded, c.lease(), "rendered cards", func(ctx context.Context, r renderedCard) error {
		return c.Store.CardRendered(ctx, r.card, r.version, c.Owner)
	})
}

func (c *Cards) lease() time.Duration { return cmp.Or(c.Lease, 30*time.Second) }

func (c *Cards) now() time.Time { return clock(c.Now) }

func (c *Cards) log() *slog.Logger { return logger(c.Log) }
