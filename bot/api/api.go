// Package api is the inbound HTTP API (docs/design.md section 2): sources such
// as web forms, SMS and e-mail gateways and ad lead forms post messages and
// tags here, and may list conversations. Every request carries the bearer
// token INBOXBOT_API_TOKEN; every error is JSON {"error": "..."} that names
// what was wrong.
package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
)

// MaxBodyBytes is the largest request body accepted (1 MiB); larger ones
// get 413.
const MaxBodyBytes = 1 << 20

// RetryAfterSeconds is what a 503 asks the client to wait before retrying.
const RetryAfterSeconds = "5"

// unavailableMessage answers a request the database could not serve. It
// does not promise that nothing was written: a commit may have reached the
// database before it stalled; retrying with the same message.external_id
// is safe (docs/api.md).
const unavailableMessage = "the database is unavailable; retry later (a retry with the same message.external_id is safe)"

// Handler serves the inbound API under /api/v1/.
type Handler struct {
	svc   *commands.Service
	store *store.Store
	// tokenSum is the SHA-256 of the token; comparing fixed-size sums in
	// constant time does not leak the token's length either.
	tokenSum [32]byte
	enabled  bool
	log      *slog.Logger
	mux      *http.ServeMux
}

// New returns the API handler over svc. Requests must carry "Authorization:
// Bearer token"; with an empty token every request is refused, so a
// half-configured API is closed rather than open.
func New(svc *commands.Service, token string, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{svc: svc, store: svc.Store, tokenSum: sha256.Sum256([]byte(token)), enabled: token != "", log: log, mux: http.NewServeMux()}
	for _, e := range endpoints {
		h.route(e.path, e.method, e.serve(h))
	}
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path+" (see docs/api.md)")
	})
	return h
}

// endpoints are the API's routes (docs/design.md section 2).
var endpoints = []struct {
	method, path string
	serve        func(*Handler) http.HandlerFunc
}{
	{"POST", "/api/v1/inbound", func(h *Handler) http.HandlerFunc { return h.inbound }},
	{"POST", "/api/v1/contacts/{external_id}/tags", func(h *Handler) http.HandlerFunc { return h.tags }},
	{"GET", "/api/v1/conversations", func(h *Handler) http.HandlerFunc { return h.conversations }},
	{"GET", "/api/v1/conversations/{id}/messages", func(h *Handler) http.HandlerFunc { return h.messages }},
	{"POST", "/api/v1/conversations/{id}/close", func(h *Handler) http.HandlerFunc { return h.setStatus(inboxbot.StatusClosed) }},
	{"POST", "/api/v1/conversations/{id}/reopen", func(h *Handler) http.HandlerFunc { return h.setStatus(inboxbot.StatusOpen) }},
}

// Patterns returns the ServeMux pattern of every endpoint, such as
// "POST /api/v1/inbound", so that a server in front of the Handler can
// mount it once per endpoint and label its metrics by endpoint.
func Patterns() []string {
	out := make([]string, len(endpoints))
	for i, e := range endpoints {
		out[i] = e.method + " " + e.path
	}
	return out
}

// route registers fn for method on path, and a JSON 405 for the others
// (ServeMux's own 405 is plain text).
func (h *Handler) route(path, method string, fn http.HandlerFunc) {
	h.mux.HandleFunc(method+" "+path, fn)
	h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", method)
		writeError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed here; use "+method)
	})
}

// ServeHTTP checks the bearer token, then serves the request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="inboxbot"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong bearer token: send Authorization: Bearer <INBOXBOT_API_TOKEN>")
		return
	}
	// ServeMux answers a path with an empty or dot segment by redirecting
	// to its clean form, which is another endpoint: /api/v1/contacts//tags
	// would go to /api/v1/contacts/tags. Say what is wrong instead.
	if p := r.URL.EscapedPath(); cleanPath(p) != p {
		id, isTags := strings.CutPrefix(p, "/api/v1/contacts/")
		if id, isTags = strings.CutSuffix(id, "/tags"); isTags && strings.Trim(id, "/") == "" {
			writeError(w, http.StatusBadRequest, errNoContactID)
			return
		}
		writeError(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path+" (see docs/api.md)")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// cleanPath is p without empty and dot segments, as ServeMux cleans it
// (a trailing slash stays).
func cleanPath(p string) string {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

func (h *Handler) authorized(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return subtle.ConstantTimeCompare(sum[:], h.tokenSum[:]) == 1 && h.enabled
}

// fail answers a store or validation error with the status its code
// means. Errors without a code are ours: the detail goes to the log, the
// client gets a generic message.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := inboxbot.ErrorCode(err)
	if errors.Is(err, context.DeadlineExceeded) && code == inboxbot.EINTERNAL {
		// The request's deadline ran out: the database is too slow.
		code = inboxbot.EUNAVAILABLE
	}
	switch code {
	case inboxbot.EINVALID:
		writeError(w, http.StatusBadRequest, inboxbot.ErrorMessage(err))
	case inboxbot.ENOTFOUND:
		writeError(w, http.StatusNotFound, inboxbot.ErrorMessage(err))
	case inboxbot.ECONFLICT:
		writeError(w, http.StatusConflict, inboxbot.ErrorMessage(err))
	case inboxbot.EFORBIDDEN:
		writeError(w, http.StatusForbidden, inboxbot.ErrorMessage(err))
	case inboxbot.EUNAVAILABLE:
		h.log.Warn("api: database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", RetryAfterSeconds)
		writeError(w, http.StatusServiceUnavailable, unavailableMessage)
	default:
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			// The client gave up; the transaction was rolled back.
			h.log.Info("api: client went away", "method", r.Method, "path", r.URL.Path)
			w.Header().Set("Retry-After", RetryAfterSeconds)
			writeError(w, http.StatusServiceUnavailable, "the request was cancelled; nothing was changed")
			return
		}
		h.log.Error("api: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, inboxbot.ErrorMessage(err))
	}
}

// writeJSON writes v as the response with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
