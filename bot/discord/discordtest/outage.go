package discordtest

import (
	"net/http"
	"sync"
)

// BotUserID is the bot's user id in GET /users/@me and the gateway's READY.
const BotUserID = "100000000000000999"

// GuildID is the guild of every channel in GET /channels/{id}.
const GuildID = "100000000000000900"

// outage makes the fake unreachable on demand.
type outage struct {
	mu   sync.Mutex
	down bool
}

// wrap drops every connection while the fake is down, as a host that
// cannot be reached would: the client sees a network error, not an answer.
func (o *outage) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		down := o.down
		o.mu.Unlock()
		if down {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					conn.Close()
					return
				}
			}
			panic(http.ErrAbortHandler)
		}
		next.ServeHTTP(w, r)
	})
}

// SetReachable makes the fake answer (true) or drop every connection
// (false), the gateway's included.
func (s *Server) SetReachable(up bool) {
	s.outage.mu.Lock()
	s.outage.down = !up
	s.outage.mu.Unlock()
	if !up {
		s.gateway.close()
	}
}
