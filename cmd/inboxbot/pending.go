package main

import (
	"log/slog"
	"net/http"

	"github.com/inboxbot/inboxbot/store"
)

// TEMPORARY: a stand-in until bot/api lands.
func apiHandler(st *store.Store, token string, log *slog.Logger) http.Handler {
	return http.NotFoundHandler()
}
