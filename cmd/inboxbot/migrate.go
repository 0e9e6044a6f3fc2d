package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// migrate applies the pending migrations and says which.
func migrate(ctx context.Context, cfg config, stdout io.Writer) error {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
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

// openMigrated opens the store at once and brings its schema up to date,
// as every one-shot command that works on the data needs.
func openMigrated(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return migrated(ctx, st, log)
}

// migrated brings st's schema up to date, or closes it. Of several
// processes doing it at once, one migrates and the others wait for it (the
// store's advisory lock).
func migrated(ctx context.Context, st *store.Store, log *slog.Logger) (*store.Store, error) {
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

// openStore opens the database once. One-shot commands (migrate, rules,
// shell) use it: a person or a job running them wants to hear at once that
// the database is down, not watch half a minute of retries.
func openStore(ctx context.Context, cfg config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, openError(cfg, err)
	}
	return st, nil
}

// waitForStore opens the database, waiting up to half a minute for one that
// is not up yet. Only serve waits: in containers it often starts next to a
// database that is still starting, and giving up at once would only make
// the orchestrator restart it. A misconfiguration fails at once.
func waitForStore(ctx context.Context, cfg config, log *slog.Logger) (*store.Store, error) {
	deadline := time.Now().Add(30 * time.Second)
	wait := 500 * time.Millisecond
	for {
		st, err := store.Open(ctx, cfg.DatabaseURL)
		if err == nil {
			return st, nil
		}
		if inboxbot.ErrorCode(err) != inboxbot.EUNAVAILABLE || time.Now().Add(wait).After(deadline) {
			return nil, openError(cfg, err)
		}
		// A duration as text ("500ms"): slog's JSON handler would write
		// nanoseconds.
		log.Warn("database not reachable yet; retrying", "in", wait.String(), "err", unavailableDetail(err))
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), openError(cfg, err))
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// openError says why the database could not be opened, in one line for the
// person who ran the command. A URL the driver refuses is a configuration
// error (exit 2), like a malformed one caught before; an unreachable
// database is a failure (exit 1), as retrying later may work.
func openError(cfg config, err error) error {
	switch inboxbot.ErrorCode(err) {
	case inboxbot.EINVALID:
		msg := inboxbot.ErrorMessage(err)
		// The store names the canonical variable: it cannot know that the
		// URL came from INBOXBOT_DATABASE_URL.
		if rest, ok := strings.CutPrefix(msg, "DATABASE_URL"); ok {
			msg = cfg.DatabaseVar + rest
		}
		return configError{inboxbot.Errorf(inboxbot.EINVALID, "%s", msg)}
	case inboxbot.EUNAVAILABLE:
		return fmt.Errorf("the database is unavailable (%s, from %s): %s",
			redactURL(cfg.DatabaseURL), cfg.DatabaseVar, unavailableDetail(err))
	default:
		return fmt.Errorf("open database: %w", err)
	}
}

// unavailableDetail is the driver's reason for an unavailable database on
// one line, without the store's generic apology in front: pgx lists every
// address it tried on a line of its own, often the same one twice.
func unavailableDetail(err error) string {
	text := err.Error()
	if _, after, ok := strings.Cut(text, inboxbot.ErrorMessage(err)+": "); ok {
		text = after
	}
	var lines []string
	seen := map[string]bool{}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !seen[l] {
			seen[l] = true
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return "no reason given"
	}
	return strings.TrimSpace(lines[0] + " " + strings.Join(lines[1:], "; "))
}
