package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// migrate applies the pending migrations and says which.
func migrate(ctx context.Context, cfg config, stdout io.Writer) error {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer st.Close()
	names, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		fmt.Fprintln(stdout, "The database is up to date.")
		return nil
	}
	fmt.Fprintf(stdout, "Applied %d migrations:\n", len(names))
	for _, n := range names {
		fmt.Fprintln(stdout, "  "+n)
	}
	return nil
}

// openMigrated opens the store and brings its schema up to date, as every
// command that works on the data needs. Of several processes doing it at
// once, one migrates and the others wait for it (the store's advisory lock).
func openMigrated(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	st, err := openStore(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	names, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if len(names) > 0 {
		log.Info("database migrated", "migrations", names)
	}
	return st, nil
}

// openStore opens the database, waiting up to half a minute for one that
// is not up yet (a database container starting next to ours) before it
// gives up. A misconfiguration fails at once.
func openStore(ctx context.Context, url string, log *slog.Logger) (*store.Store, error) {
	deadline := time.Now().Add(30 * time.Second)
	wait := 500 * time.Millisecond
	for {
		st, err := store.Open(ctx, url)
		if err == nil {
			return st, nil
		}
		if inboxbot.ErrorCode(err) != inboxbot.EUNAVAILABLE || time.Now().Add(wait).After(deadline) {
			return nil, fmt.Errorf("open database: %w", err)
		}
		log.Warn("database not reachable yet; retrying", "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
