package slacktest

import (
	"net/url"
	"sync"

	"github.com/inboxbot/inboxbot/bot/server/servertest"
)

// The identity the fake gives the bot in auth.test and bots.info.
const (
	TeamID    = "T0TEST"
	BotUserID = "U0BOT"
	BotID     = "B0BOT"
	AppID     = "A0TEST"
)

// outage makes the fake unreachable or a token refused, on demand.
type outage struct {
	servertest.Outage
	mu      sync.Mutex
	refused map[string]bool
}

func (o *outage) revoked(token string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.refused[token]
}

// SetReachable makes the fake answer (true) or drop every connection
// (false), Socket Mode included.
func (s *Server) SetReachable(up bool) {
	s.outage.SetDown(!up)
	if !up {
		s.DropSocket()
	}
}

// Revoke makes the fake refuse token with invalid_auth from now on, as
// Slack does once a token is revoked.
func (s *Server) Revoke(token string) {
	s.outage.mu.Lock()
	defer s.outage.mu.Unlock()
	if s.outage.refused == nil {
		s.outage.refused = map[string]bool{}
	}
	s.outage.refused[token] = true
}

// DropSocket closes the Socket Mode connection without a word, as a
// network failure does.
func (s *Server) DropSocket() {
	s.mu.Lock()
	sk := s.socket
	s.socket = nil
	s.mu.Unlock()
	if sk != nil {
		sk.conn.Close()
	}
}

// Disconnect sends a disconnect envelope, as Slack does before it
// refreshes a connection; the client is expected to reconnect.
func (s *Server) Disconnect(reason string) error {
	s.mu.Lock()
	sk := s.socket
	s.mu.Unlock()
	if sk == nil {
		return errNoSocket
	}
	return sk.write(map[string]any{"type": "disconnect", "reason": reason,
		"debug_info": map[string]any{"host": "fake"}})
}

// Connections counts the Socket Mode connections opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// identity answers auth.test and bots.info for the bot token.
func identity(method string, f url.Values) (map[string]any, string) {
	if method == "auth.test" {
		return map[string]any{"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID,
			"team": "Test", "user": "inboxbot", "url": "https://test.slack.com/"}, ""
	}
	if f.Get("bot") != BotID {
		return nil, "bot_not_found"
	}
	return map[string]any{"bot": map[string]any{"id": BotID, "app_id": AppID, "user_id": BotUserID, "name": "inboxbot"}}, ""
}
