package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/inboxbot/inboxbot/store"
)

// TEMPORARY: stand-ins until bot/api, bot/shell and the rules file
// functions land.

func apiHandler(st *store.Store, token string, log *slog.Logger) http.Handler {
	return http.NotFoundHandler()
}

func applyStartupFiles(ctx context.Context, st *store.Store, cfg config, log *slog.Logger) error {
	return nil
}

func shellCommand(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	return errors.New("shell: not available yet")
}

func rulesCommand(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	return errors.New("rules: not available yet")
}
