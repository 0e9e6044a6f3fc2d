package discord

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxBody is the largest interaction accepted; Discord's are a few KiB.
const maxBody = 1 << 20

// signatureWindow is how old a signed request may be. discordgo's
// VerifyInteraction checks the signature only, so a request captured once
// could be replayed forever without this.
const signatureWindow = 5 * time.Minute

// Routes are the HTTP handlers of HTTP interactions, by ServeMux pattern:
// each request is verified with the application's public key and a fresh
// timestamp (else 401, and nothing happens), a PING gets a PONG, and the
// rest are answered as over the gateway, with the first response as the
// HTTP body.
func (b *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{"POST /discord/interactions": http.HandlerFunc(b.serveInteraction)}
}

func (b *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if b.cfg.PublicKey == nil {
		http.Error(w, "HTTP interactions are off: set DISCORD_PUBLIC_KEY", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body over 1 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the request", http.StatusBadRequest)
		return
	}
	if !b.fresh(r.Header.Get("X-Signature-Timestamp")) {
		http.Error(w, "stale or missing signature timestamp", http.StatusUnauthorized)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !discordgo.VerifyInteraction(r, b.cfg.PublicKey) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	answered := false
	b.handle(r.Context(), &i, "http", func(resp *discordgo.InteractionResponse) error {
		answered = true
		w.Header().Set("Content-Type", "application/json")
		return json.NewEncoder(w).Encode(resp)
	})
	if !answered {
		http.Error(w, "no answer", http.StatusInternalServerError)
	}
}

// fresh reports whether a signature timestamp (unix seconds) is within
// the window of now, either way: clocks drift.
func (b *Adapter) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := b.cfg.Now().Sub(time.Unix(sec, 0))
	return d < signatureWindow && d > -signatureWindow
}
