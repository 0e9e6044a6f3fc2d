package discordtest

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
)

// gateway speaks enough of Discord's gateway for a bot to connect and
// receive events: HELLO, IDENTIFY then READY (or close code 4014 for an
// intent the application may not use), heartbeat ACKs, and dispatches
// such as INTERACTION_CREATE and MESSAGE_CREATE.
type gateway struct {
	s        *Server
	upgrader websocket.Upgrader

	mu    sync.Mutex
	conns []*gwConn
	seq   int64
	ready chan struct{}
	once  sync.Once
	// disallowed are intents the application may not ask for, as when a
	// privileged intent is off in the developer portal.
	disallowed int
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

// DisallowIntents makes IDENTIFY with any of the intents in mask fail
// with close code 4014, as Discord does when a privileged intent (such as
// Message Content, 1<<15) is not enabled for the application.
func (s *Server) DisallowIntents(mask int) {
	s.gateway.mu.Lock()
	defer s.gateway.mu.Unlock()
	s.gateway.disallowed = mask
}

// Dispatch sends an INTERACTION_CREATE with the interaction JSON to every
// connected bot.
func (s *Server) Dispatch(interaction []byte) error {
	return s.DispatchEvent("INTERACTION_CREATE", interaction)
}

// DispatchEvent sends the event name (such as MESSAGE_CREATE) with data
// to every connected bot.
func (s *Server) DispatchEvent(name string, data []byte) error {
	g := s.gateway
	g.mu.Lock()
	g.seq++
	seq, conns := g.seq, append([]*gwConn(nil), g.conns...)
	g.mu.Unlock()
	for _, c := range conns {
		if err := c.send(map[string]any{"op": 0, "t": name, "s": seq, "d": json.RawMessage(data)}); err != nil {
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
			var id struct {
				Intents int `json:"intents"`
			}
			json.Unmarshal(f.D, &id)
			g.mu.Lock()
			if id.Intents&g.disallowed != 0 {
				g.mu.Unlock()
				c.mu.Lock()
				ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."))
				c.mu.Unlock()
				return
			}
			g.seq++
			seq := g.seq
			g.conns = append(g.conns, c)
			g.mu.Unlock()
			c.send(map[string]any{"op": 0, "t": "READY", "s": seq, "d": map[string]any{
				"v": 9, "session_id": "fake-session", "user": map[string]any{"id": BotUserID, "username": "inboxbot", "bot": true},
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
	g.conns = nil
}
