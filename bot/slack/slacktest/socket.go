package slacktest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

var errNoSocket = errors.New("no Socket Mode client connected")

// socket is the fake's side of a Socket Mode connection.
type socket struct {
	conn *websocket.Conn
	wmu  sync.Mutex
	acks chan Ack
}

// Ack is a Socket Mode acknowledgement the client sent.
type Ack struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

// serveSocket upgrades a Socket Mode connection, checks the Origin that
// slack-go sends, says hello, pings as Slack does, and collects acks.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	if o := r.Header.Get("Origin"); o != "https://api.slack.com" {
		http.Error(w, "unexpected Origin "+o, http.StatusForbidden)
		return
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	sk := &socket{conn: conn, acks: make(chan Ack, 100)}
	s.mu.Lock()
	s.socket = sk
	s.connections++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.socket == sk {
			s.socket = nil
		}
		s.mu.Unlock()
	}()
	sk.write(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A0TEST"}})
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				conn.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
			}
		}
	}()
	for {
		var a Ack
		if err := conn.ReadJSON(&a); err != nil {
			return
		}
		sk.acks <- a
	}
}

func (sk *socket) write(v any) error {
	sk.wmu.Lock()
	defer sk.wmu.Unlock()
	return sk.conn.WriteJSON(v)
}

// Connected reports whether a Socket Mode client is connected.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.socket != nil
}

// Envelope sends a Socket Mode envelope of kind (events_api,
// slash_commands, interactive) with payload, and waits up to 5 seconds for
// its acknowledgement, which it returns.
func (s *Server) Envelope(kind, id string, payload any) (Ack, error) {
	s.mu.Lock()
	sk := s.socket
	s.mu.Unlock()
	if sk == nil {
		return Ack{}, errNoSocket
	}
	raw, err := json.Marshal(payload)
	if err != nil {
		return Ack{}, err
	}
	err = sk.write(map[string]any{"type": kind, "envelope_id": id, "payload": json.RawMessage(raw),
		"accepts_response_payload": kind == "slash_commands"})
	if err != nil {
		return Ack{}, err
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case a := <-sk.acks:
			if a.EnvelopeID == id {
				return a, nil
			}
		case <-deadline:
			return Ack{}, fmt.Errorf("no ack for envelope %s within 5s", id)
		}
	}
}
