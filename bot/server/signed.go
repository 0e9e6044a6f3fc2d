package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"time"
)

// DefaultSignedBodyTimeout is how long a chat platform's signed request
// may take to send its body. Slack and Discord send a few KiB at once; a
// client that trickles its body is cut off after this instead of after
// the server's 30 s ReadTimeout.
const DefaultSignedBodyTimeout = 5 * time.Second

// ErrSlowBody is ReadSignedBody's error for a body not sent within the
// signed body timeout.
var ErrSlowBody = errors.New("the request body was not sent in time")

// HandleSigned mounts h on pattern for requests a chat platform signs
// (Slack, Discord). Unlike Handle, the server takes no in-flight slot for
// them on arrival: h checks the signature headers, reads the body with
// ReadSignedBody, verifies it, and only then takes a slot with Admit. So
// unsigned or slow requests, which anyone can send, never hold the slots
// the API and verified work need.
func (s *Server) HandleSigned(pattern string, h http.Handler) {
	s.signed[pattern] = true
	s.mux.Handle(pattern, h)
}

// admission is what a request mounted with HandleSigned finds in its
// context: the server whose slots Admit takes.
type admission struct{ s *Server }

type admissionKey struct{}

// ReadSignedBody reads r's body, at most MaxBodyBytes (more is an error
// for which TooLarge is true), within the signed body timeout (else
// ErrSlowBody). Outside the server (a test's ResponseRecorder) there is no
// connection to set a deadline on and the body is simply read.
func ReadSignedBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	timeout := DefaultSignedBodyTimeout
	a, ok := r.Context().Value(admissionKey{}).(admission)
	if ok {
		a.s.metrics.reading.Inc()
		defer a.s.metrics.reading.Dec()
		timeout = a.s.signedBodyTimeout
	}
	rc := http.NewResponseController(w)
	deadlined := rc.SetReadDeadline(time.Now().Add(timeout)) == nil
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	switch {
	case err != nil:
		// Whatever is left of the body is not waited for: the connection
		// closes after the answer.
		w.Header().Set("Connection", "close")
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, ErrSlowBody
		}
		return nil, err
	case deadlined:
		// The handler's work that follows is bounded by the request
		// timeout, not by the time the body had to arrive; the next
		// request on the connection gets the server's own deadlines.
		rc.SetReadDeadline(time.Time{})
	}
	return body, nil
}

// Admit takes an in-flight slot for a request mounted with HandleSigned,
// once it has passed verification. When every slot is taken it answers
// 503 with Retry-After and returns ok false; otherwise the caller must
// call release when its work is done. Outside the server it always admits.
func Admit(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	a, found := r.Context().Value(admissionKey{}).(admission)
	if !found {
		return func() {}, true
	}
	return a.s.acquire(w)
}

// acquire takes a slot, or answers 503.
func (s *Server) acquire(w http.ResponseWriter) (release func(), ok bool) {
	select {
	case s.slots <- struct{}{}:
		s.metrics.inFlight.Inc()
		return func() { s.metrics.inFlight.Dec(); <-s.slots }, true
	default:
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too many requests at once; retry in a moment"})
		return nil, false
	}
}

// withAdmission marks r as a signed request whose handler takes its own slot.
func (s *Server) withAdmission(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), admissionKey{}, admission{s}))
}
