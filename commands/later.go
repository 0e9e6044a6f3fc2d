package commands

import (
	"context"
	"sync"
)

// Later runs work that a request made possible after the request has
// answered: offering the Team inbox to the rules again once a member has
// room. Such work is the replica's, not the request's: it runs on a
// context of its own, and Stop ends it cleanly at shutdown.
type Later struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// NewLater returns a runner ready to take work.
func NewLater() *Later {
	ctx, cancel := context.WithCancel(context.Background())
	return &Later{ctx: ctx, cancel: cancel}
}

// Go runs fn in the background. After Stop it does nothing: what fn
// would have done is left to the sweep.
func (l *Later) Go(fn func(ctx context.Context)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		fn(l.ctx)
	}()
}

// Wait waits for the work started so far (tests use it to see its effect).
func (l *Later) Wait() {
	if l != nil {
		l.wg.Wait()
	}
}

// Stop takes no more work, cancels what runs (a placement in flight rolls
// back; each is a transaction of its own) and waits for it to return.
func (l *Later) Stop() {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.cancel()
	l.wg.Wait()
}
