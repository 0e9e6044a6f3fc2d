package slack

import (
	"context"
	"encoding/json"
	"net/http"

	slackapi "github.com/slack-go/slack"
)

// Routes are the HTTP handlers of HTTP mode, by ServeMux pattern. Each
// verifies the request's signature first.
func (a *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{
		"POST /slack/commands":     a.verified(a.serveCommand),
		"POST /slack/interactions": a.verified(a.serveInteraction),
		"POST /slack/events":       a.verified(a.serveEvent),
	}
}

func (a *Adapter) serveCommand(w http.ResponseWriter, r *http.Request) {
	cmd, ok := decodeSlash(r)
	if !ok {
		a.refuse(w, http.StatusBadRequest, "malformed", "not a slash command")
		return
	}
	a.slash(r.Context(), cmd, func(m *slackapi.Msg) {
		if m == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(m)
	})
}

func (a *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	ic, ok := decodeInteraction(r)
	if !ok {
		a.refuse(w, http.StatusBadRequest, "malformed", "not an interaction payload")
		return
	}
	if ic.Type == slackapi.InteractionTypeViewSubmission {
		// The answer to a form goes in the HTTP response: it closes the
		// modal or shows errors on its fields.
		a.submit(r.Context(), ic, func(resp *slackapi.ViewSubmissionResponse) {
			if resp == nil {
				w.WriteHeader(http.StatusOK)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(resp)
		})
		return
	}
	a.later(r.Context(), func(ctx context.Context) { a.interact(ctx, ic) })
	w.WriteHeader(http.StatusOK)
}

// decodeSlash reads a slash command's form; ok is false when it is not
// one (no user to run it as).
func decodeSlash(r *http.Request) (slackapi.SlashCommand, bool) {
	cmd, err := slackapi.SlashCommandParse(r)
	return cmd, err == nil && cmd.UserID != ""
}

// decodeInteraction reads an interaction's payload field; ok is false when
// it is not one (no user to run it as).
func decodeInteraction(r *http.Request) (slackapi.InteractionCallback, bool) {
	ic, err := slackapi.InteractionCallbackParse(r)
	return ic, err == nil && ic.User.ID != ""
}
