package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/inboxbot/inboxbot/bot/server"
)

// signatureWindow is how old (or how far ahead) a signed request may be.
// VerifyInteraction checks the signature only, so a request captured once
// could be replayed forever without this.
const signatureWindow = 5 * time.Minute

// Routes are the HTTP handlers of HTTP interactions, by ServeMux pattern:
// each request is verified with the application's public key and a fresh
// timestamp (else 401, and nothing happens), a PING gets a PONG, and the
// rest are answered as over the gateway, with the first response as the
// HTTP body. Missing, malformed or stale signature headers are refused
// before the body is read; the body must arrive within a few seconds (else
// 408) and be at most 1 MiB (else 413); only a verified interaction takes
// an in-flight slot (server.Admit).
func (b *Adapter) Routes() map[string]http.Handler {
	return map[string]http.Handler{"POST /discord/interactions": http.HandlerFunc(b.serveInteraction)}
}

func (b *Adapter) serveInteraction(w http.ResponseWriter, r *http.Request) {
	if b.cfg.PublicKey == nil {
		http.Error(w, "HTTP interactions are off: set DISCORD_PUBLIC_KEY", http.StatusNotFound)
		return
	}
	ts, sig, ok := b.signatureHeaders(r.Header)
	if !ok {
		// The body is not read, so it is not waited for either: without
		// this, net/http would wait for it to reuse the connection.
		w.Header().Set("Connection", "close")
		http.Error(w, "missing, malformed or stale request signature", http.StatusUnauthorized)
		return
	}
	body, err := server.ReadSignedBody(w, r)
	switch {
	case server.TooLarge(err):
		http.Error(w, "request body over 1 MiB", http.StatusRequestEntityTooLarge)
		return
	case errors.Is(err, server.ErrSlowBody):
		http.Error(w, "the request body was not sent in time", http.StatusRequestTimeout)
		return
	case err != nil:
		http.Error(w, "could not read the request", http.StatusBadRequest)
		return
	}
	if !ed25519.Verify(b.cfg.PublicKey, append([]byte(ts), body...), sig) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	release, ok := server.Admit(w, r)
	if !ok {
		return
	}
	defer release()
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

// signatureHeaders checks what a request says of its signature before its
// body is read: an X-Signature-Ed25519 of the right size and an
// X-Signature-Timestamp within the window of now, either way (clocks
// drift). discordgo's VerifyInteraction checks the signature only, so a
// request captured once could be replayed forever without the window.
func (b *Adapter) signatureHeaders(h http.Header) (ts string, sig []byte, ok bool) {
	ts = h.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", nil, false
	}
	if d := b.cfg.Now().Sub(time.Unix(sec, 0)); d >= signatureWindow || d <= -signatureWindow {
		return "", nil, false
	}
	sig, err = hex.DecodeString(h.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return "", nil, false
	}
	return ts, sig, true
}
