package slack

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot/bot/server"
)

// MaxBodyBytes bounds a request from Slack; larger ones get 413.
const MaxBodyBytes = server.MaxBodyBytes

// maxSkew is how old (or how far ahead) a signed request may be. Older
// ones may be replays.
const maxSkew = 5 * time.Minute

var (
	errBadSignature = errors.New("bad signature")
	errStale        = errors.New("stale timestamp")
)

// signatureHeaders checks what a request says of its signature before its
// body is read: a timestamp within five minutes of now and a "v0=" hex
// HMAC-SHA256. A request without them is refused without reading a byte
// of its body.
func signatureHeaders(h http.Header, now time.Time) (ts string, mac []byte, err error) {
	ts = h.Get("X-Slack-Request-Timestamp")
	sig, ok := strings.CutPrefix(h.Get("X-Slack-Signature"), "v0=")
	if ts == "" || !ok {
		return "", nil, errBadSignature
	}
	mac, err = hex.DecodeString(sig)
	if err != nil || len(mac) != sha256.Size {
		return "", nil, errBadSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", nil, errBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxSkew || d < -maxSkew {
		return "", nil, errStale
	}
	return ts, mac, nil
}

// signed reports whether mac is the HMAC-SHA256 of "v0:<ts>:<body>" keyed
// with the signing secret.
func signed(secret, ts string, mac, body []byte) bool {
	if secret == "" {
		return false
	}
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte("v0:" + ts + ":"))
	h.Write(body)
	return hmac.Equal(h.Sum(nil), mac)
}

// verify checks Slack's v0 request signature: hex HMAC-SHA256 of
// "v0:<timestamp>:<body>" keyed with the signing secret, with a timestamp
// within five minutes of now. slack.NewSecretsVerifier would do the same
// with the real clock only; this one takes the adapter's clock, so the
// published example verifies in tests through the code that serves.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	ts, mac, err := signatureHeaders(h, now)
	if err == nil && !signed(secret, ts, mac, body) {
		err = errBadSignature
	}
	return err
}

// verified checks a request before next sees it: missing, malformed or
// stale signature headers are 401 before the body is read; the body must
// arrive within a few seconds (else 408) and be at most MaxBodyBytes (else
// 413); a wrong signature is 401. Only then does the request take an
// in-flight slot (server.Admit), so requests anyone can send never hold
// one. next gets the body back to parse, so the form parsers of slack-go
// work unchanged.
func (a *Adapter) verified(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts, mac, err := signatureHeaders(r.Header, a.now())
		if err != nil {
			// The body is not read: no waiting for it either.
			w.Header().Set("Connection", "close")
		}
		switch {
		case errors.Is(err, errStale):
			a.refuse(w, http.StatusUnauthorized, "stale", "request timestamp is more than 5 minutes off")
			return
		case err != nil:
			a.refuse(w, http.StatusUnauthorized, "signature", "bad request signature")
			return
		}
		body, err := server.ReadSignedBody(w, r)
		switch {
		case server.TooLarge(err):
			a.refuse(w, http.StatusRequestEntityTooLarge, "too_large", "request body over 1 MiB")
			return
		case errors.Is(err, server.ErrSlowBody):
			a.refuse(w, http.StatusRequestTimeout, "slow_body", "the request body was not sent in time")
			return
		case err != nil:
			a.refuse(w, http.StatusBadRequest, "malformed", "could not read the request body")
			return
		}
		if !signed(a.cfg.SigningSecret, ts, mac, body) {
			a.refuse(w, http.StatusUnauthorized, "signature", "bad request signature")
			return
		}
		release, ok := server.Admit(w, r)
		if !ok {
			return
		}
		defer release()
		r.Body = io.NopCloser(bytes.NewReader(body))
		next(w, r)
	})
}

// refuse answers a request that is not processed, and counts why.
func (a *Adapter) refuse(w http.ResponseWriter, code int, reason, msg string) {
	a.metrics.rejected.WithLabelValues(reason).Inc()
	a.log.Warn("slack: request refused", "reason", reason, "status", code)
	http.Error(w, msg, code)
}
