package bot

import (
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
	// message id). A *RateLimited error makes the loop wait.
	RenderCard(ctx context.Context, job store.CardJob) (inboxbot.Card, error)
}

// Cards keeps one platform's inbox-channel cards in step with their
// conversations: every open conversation gets a card, and every change
// (from any surface or replica) edits it. Changes made between two rounds
// cost one edit. Several replicas may run one each: the store's leases
// keep them from posting or editing the same card at once.
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
	// Lease is how long a replica may hold a card; 0 means 30s.
	Lease time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Run renders due cards until ctx is done, then gives back its leases.
func (c *Cards) Run(ctx context.Context) error {
	poll := c.Poll
	if poll == 0 {
		poll = 500 * time.Millisecond
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := c.Flush(ctx); err != nil && ctx.Err() == nil {
			c.log().Warn("cards: round failed", "platform", c.Platform, "err", err)
		}
		select {
		case <-ctx.Done():
			return c.Store.ReleaseCards(context.WithoutCancel(ctx), c.Owner)
		case <-t.C:
		}
	}
}

// Flush renders what is due now, in batches, and returns how many cards it
// posted or edited. When the platform rate-limits, it waits as asked (or
// until ctx ends) and goes on.
func (c *Cards) Flush(ctx context.Context) (int, error) {
	lease := c.Lease
	if lease == 0 {
		lease = 30 * time.Second
	}
	done := 0
	for ctx.Err() == nil {
		jobs, err := c.Store.PendingCards(ctx, c.Platform, c.Owner, 20, lease)
		if err != nil || len(jobs) == 0 {
			return done, err
		}
		for _, job := range jobs {
			card, err := c.Renderer.RenderCard(ctx, job)
			if err == nil {
				if err := c.Store.CardRendered(ctx, card, job.Version, c.Owner); err != nil {
					return done, err
				}
				done++
				continue
			}
			var rl *RateLimited
			wait := Backoff(0)
			if errors.As(err, &rl) {
				wait = rl.After
			}
			c.log().Warn("cards: render failed; will retry", "platform", c.Platform,
				"conversation", job.Card.ConversationID, "retry_in", wait, "err", err)
			if err := c.Store.RetryCard(ctx, job.Card, c.Owner, c.now().Add(wait)); err != nil {
				return done, err
			}
			if rl != nil {
				// The rest of the batch would be refused too.
				if err := c.Store.ReleaseCards(ctx, c.Owner); err != nil {
					return done, err
				}
				select {
				case <-ctx.Done():
				case <-time.After(rl.After):
				}
				break
			}
		}
	}
	return done, ctx.Err()
}

func (c *Cards) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Cards) log() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.Default()
}
