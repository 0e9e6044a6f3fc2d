package slacktest

import (
	"encoding/json"
	"strings"
)

// Modal is a view opened with views.open.
type Modal struct {
	TriggerID string
	View      json.RawMessage
}

// openView answers views.open as Slack does: a trigger_id is required and
// works once (Slack's expire after 3 seconds; tests are quicker than
// that), and the view must be a valid modal (CheckModal).
func (s *Server) openView(c Call) (map[string]any, string) {
	trigger, _ := c.JSON["trigger_id"].(string)
	raw, _ := json.Marshal(c.JSON["view"])
	switch {
	case trigger == "":
		return nil, "invalid_arguments"
	case !strings.HasPrefix(trigger, "trig-"):
		// Tests write trigger ids the way the fake expects them.
		return nil, "invalid_trigger_id"
	case s.triggers[trigger]:
		return nil, "exchanged_trigger_id"
	case c.JSON["view"] == nil:
		return nil, "invalid_arguments"
	}
	if why := CheckModal(raw); why != "" {
		s.t.Logf("slacktest: views.open refused: %s", why)
		return nil, "invalid_arguments"
	}
	s.triggers[trigger] = true
	s.modals = append(s.modals, Modal{TriggerID: trigger, View: raw})
	return map[string]any{"view": map[string]any{"id": "V" + trigger}}, ""
}

// Modals returns the views opened with views.open, in order.
func (s *Server) Modals() []Modal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Modal(nil), s.modals...)
}
