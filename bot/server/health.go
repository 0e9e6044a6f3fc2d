package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/inboxbot/inboxbot/store"
)

// Unready is a readiness failure. Reason is short and safe to show on the
// public /readyz response; Err carries the detail for the log.
type Unready struct {
	Reason string
	Err    error
}

func (e *Unready) Error() string {
	if e.Err != nil {
		return e.Reason + ": " + e.Err.Error()
	}
	return e.Reason
}

func (e *Unready) Unwrap() error { return e.Err }

// publicReason is what /readyz may tell anyone who asks.
func publicReason(err error) string {
	var u *Unready
	if errors.As(err, &u) {
		return u.Reason
	}
	return "check failed"
}

// StoreReady is the readiness check of a replica backed by st: the database
// answers and every migration is applied. A replica that started before a
// newer one migrated, or whose database went away, is taken out of rotation.
func StoreReady(st *store.Store) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := st.Ping(ctx); err != nil {
			return &Unready{Reason: "database unreachable", Err: err}
		}
		pending, err := st.Pending(ctx)
		if err != nil {
			return &Unready{Reason: "migrations not applied", Err: err}
		}
		if len(pending) > 0 {
			return &Unready{Reason: fmt.Sprintf("%d migrations pending", len(pending)), Err: fmt.Errorf("pending: %v", pending)}
		}
		return nil
	}
}
