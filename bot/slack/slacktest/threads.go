package slacktest

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Threads, reactions and channels, as intake uses them: people write
// messages (Write), the bot reads them back (conversations.history,
// conversations.replies), reacts (reactions.add, reactions.remove), links
// to them (chat.getPermalink) and names their channel (conversations.info).

// AddChannel makes a channel known to conversations.info under name.
func (s *Server) AddChannel(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[id] = name
}

// Outside makes the bot not a member of channel: posting there answers
// not_in_channel, as Slack does.
func (s *Server) Outside(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outside[channel] = true
}

// Write records a message a person wrote in channel (in the thread of
// threadTS when set) and returns it; the test then sends its event.
func (s *Server) Write(channel, user, text, threadTS string) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	m := &Message{Channel: channel, TS: fmt.Sprintf("1700000000.%06d", s.seq), Text: text, User: user, ThreadTS: threadTS}
	s.messages = append(s.messages, m)
	return *m
}

// Thread returns copies of the messages in the thread of ts in channel,
// its first message included, in order.
func (s *Server) Thread(channel, ts string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.Channel == channel && (m.TS == ts || m.ThreadTS == ts) {
			out = append(out, *m)
		}
	}
	return out
}

// find returns the message ts of channel, or nil. s.mu is held.
func (s *Server) find(channel, ts string) *Message {
	for _, m := range s.messages {
		if m.Channel == channel && m.TS == ts {
			return m
		}
	}
	return nil
}

// handleThreads answers the methods of threads and reactions. s.mu is held.
func (s *Server) handleThreads(method string, f url.Values) (map[string]any, string) {
	ch := f.Get("channel")
	switch method {
	case "conversations.info":
		name, ok := s.channels[ch]
		if !ok {
			return nil, "channel_not_found"
		}
		return map[string]any{"channel": map[string]any{"id": ch, "name": name}}, ""
	case "chat.getPermalink":
		if s.find(ch, f.Get("message_ts")) == nil {
			return nil, "message_not_found"
		}
		return map[string]any{"channel": ch,
			"permalink": "https://test.slack.com/archives/" + ch + "/p" + strings.ReplaceAll(f.Get("message_ts"), ".", "")}, ""
	case "conversations.history", "conversations.replies":
		if s.outside[ch] {
			return nil, "not_in_channel"
		}
		var out []map[string]any
		for _, m := range s.messages {
			top := m.ThreadTS == "" || m.ThreadTS == m.TS
			in := top
			if method == "conversations.replies" {
				in = m.TS == f.Get("ts") || m.ThreadTS == f.Get("ts")
			}
			if m.Channel != ch || !in || !within(m.TS, f) {
				continue
			}
			msg := map[string]any{"type": "message", "ts": m.TS, "text": m.Text}
			if m.User != "" {
				msg["user"] = m.User
			} else {
				msg["bot_id"], msg["subtype"] = BotID, "bot_message"
			}
			if m.ThreadTS != "" {
				msg["thread_ts"] = m.ThreadTS
			}
			out = append(out, msg)
		}
		if method == "conversations.replies" && len(out) == 0 {
			return nil, "thread_not_found"
		}
		return map[string]any{"messages": out, "has_more": false}, ""
	case "reactions.add", "reactions.remove":
		m := s.find(ch, f.Get("timestamp"))
		name := f.Get("name")
		switch {
		case m == nil:
			return nil, "message_not_found"
		case name == "":
			return nil, "invalid_name"
		case method == "reactions.add" && slices.Contains(m.Reactions, name):
			return nil, "already_reacted"
		case method == "reactions.remove" && !slices.Contains(m.Reactions, name):
			return nil, "no_reaction"
		case method == "reactions.add":
			m.Reactions = append(m.Reactions, name)
		default:
			m.Reactions = slices.DeleteFunc(m.Reactions, func(r string) bool { return r == name })
		}
		return map[string]any{}, ""
	}
	return nil, "unknown_method"
}

// within reports whether ts is between the call's oldest and latest
// (inclusive=1 includes them; Slack ts compare as strings of one length).
func within(ts string, f url.Values) bool {
	incl := f.Get("inclusive") == "1" || f.Get("inclusive") == "true"
	if o := f.Get("oldest"); o != "" && (ts < o || (!incl && ts == o)) {
		return false
	}
	if l := f.Get("latest"); l != "" && (ts > l || (!incl && ts == l)) {
		return false
	}
	return true
}
