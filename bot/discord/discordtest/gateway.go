package discordtest

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// gateway speaks enough of Discord's gateway for a bot to connect and
// receive interactions: HELLO, IDENTIFY then READY, heartbeat ACKs, and
// INTERACTION_CREATE dispatches.
type gateway struct {
	s        *Server
	upgrader websocket.Upgrader

	mu    sync.Mutex
	conns []*gwConn
	seq   int64
	ready chan struct{}
	once  sync.Once
}

type gwConn struct {
	mu sync.Mutex
	ws *websocket.Conn
}

func (c *gwConn) send(v any) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ws.WriteJSON(v)
}

func newGateway(s *Server) *gateway {
	return &gateway{s: s, ready: make(chan struct{})}
}

// Ready is closed once a bot has identified.
func (s *Server) Ready() <-chan struct{} { return s.gateway.ready }

// Identified returns the IDENTIFY payloads received, to check the shard.
func (s *Server) Identified() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]json.RawMessage(nil), s.identified...)
}

// Dispatch sends an INTERACTION_CREATE with the interaction JSON to every
// connected bot.
func (s *Server) Dispatch(interaction []byte) error {
	g := s.gateway
	g.mu.Lock()
	g.seq++
	seq, conns := g.seq, append([]*gwConn(nil), g.conns...)
	g.mu.Unlock()
	for _, c := range conns {
		if err := c.send(map[string]any{"op": 0, "t": "INTERACTION_CREATE", "s": seq, "d": json.RawMessage(interaction)}); err != nil {
			return err
		}
	}
	return nil
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	defer ws.Close()
	if c.send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}}) != nil {
		return
	}
	for {
		var f struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if ws.ReadJSON(&f) != nil {
			return
		}
		switch f.Op {
		case 1: // heartbeat
			c.send(map[string]any{"op": 11})
		case 2: // identify
			g.s.mu.Lock()
			g.s.identified = append(g.s.identified, f.D)
			g.s.mu.Unlock()
			g.mu.Lock()
			g.seq++
			seq := g.seq
			g.conns = append(g.conns, c)
			g.mu.Unlock()
			c.send(map[string]any{"op": 0, "t": "READY", "s": seq, "d": map[string]any{
				"v": 9, "session_id": "fake-session", "user": map[string]any{"id": "100000000000000999", "username": "inboxbot", "bot": true},
				"guilds": []any{}, "application": map[string]any{"id": "100000000000000998"}}})
			g.once.Do(func() { close(g.ready) })
		}
	}
}

func (g *gateway) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, c := range g.conns {
		c.ws.Close()
	}
}
