package discordtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"unicode/utf16"
)

// Limits Discord enforces, as its API documentation states them.
const (
	maxContent     = 2000
	maxEmbeds      = 10
	maxEmbedTitle  = 256
	maxDescription = 4096
	maxFields      = 25
	maxFieldName   = 256
	maxFieldValue  = 1024
	maxRows        = 5
	maxButtons     = 5
	maxCustomID    = 100
	maxLabel       = 80
	maxOptions     = 25
)

var commandNameRE = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

type payload struct {
	Content         string            `json:"content"`
	Embeds          []embed           `json:"embeds"`
	Components      []component       `json:"components"`
	AllowedMentions *allowedMentions  `json:"allowed_mentions"`
	Choices         []json.RawMessage `json:"choices"`
}

type allowedMentions struct {
	Parse *[]string `json:"parse"`
}

type embed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Fields      []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

type component struct {
	Type       int         `json:"type"`
	CustomID   string      `json:"custom_id"`
	Label      string      `json:"label"`
	Components []component `json:"components"`
}

func size(s string) int { return len(utf16.Encode([]rune(s))) }

// checkMessage returns what Discord would refuse in a message body, or "".
// It also insists on allowed_mentions with an empty parse list: inboxbot
// never lets a message ping anyone.
func checkMessage(body []byte) string {
	var p payload
	if err := json.Unmarshal(body, &p); err != nil {
		return "body is not JSON: " + err.Error()
	}
	return p.check()
}

func (p payload) check() string {
	if p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(*p.AllowedMentions.Parse) != 0 {
		return "allowed_mentions.parse must be [] (ping nobody)"
	}
	if size(p.Content) > maxContent {
		return errorf("content is %d characters, over %d", size(p.Content), maxContent)
	}
	if len(p.Embeds) > maxEmbeds {
		return errorf("%d embeds, over %d", len(p.Embeds), maxEmbeds)
	}
	for _, e := range p.Embeds {
		switch {
		case size(e.Title) > maxEmbedTitle:
			return errorf("embed title of %d characters", size(e.Title))
		case size(e.Description) > maxDescription:
			return errorf("embed description of %d characters", size(e.Description))
		case len(e.Fields) > maxFields:
			return errorf("%d embed fields", len(e.Fields))
		}
		for _, f := range e.Fields {
			if f.Name == "" || size(f.Name) > maxFieldName || f.Value == "" || size(f.Value) > maxFieldValue {
				return errorf("embed field %q: name 1-%d, value 1-%d characters", f.Name, maxFieldName, maxFieldValue)
			}
		}
	}
	if len(p.Components) > maxRows {
		return errorf("%d action rows, over %d", len(p.Components), maxRows)
	}
	for _, row := range p.Components {
		if row.Type != 1 || len(row.Components) == 0 || len(row.Components) > maxButtons {
			return errorf("an action row must hold 1-%d components", maxButtons)
		}
		for _, c := range row.Components {
			if c.CustomID == "" || len(c.CustomID) > maxCustomID || size(c.Label) > maxLabel {
				return errorf("component %q: custom_id 1-%d, label up to %d", c.CustomID, maxCustomID, maxLabel)
			}
			if c.Type != 2 && len(row.Components) > 1 {
				return "a select must be alone in its row"
			}
		}
	}
	return ""
}

// CheckCallback returns what Discord would refuse in an interaction
// response (the body of a callback, or of an HTTP interaction's answer),
// or "". Tests of HTTP interactions call it on the answers they get.
func CheckCallback(body []byte) string { return checkCallback(body) }

// checkCallback checks an interaction response.
func checkCallback(body []byte) string {
	var r struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return "callback is not JSON"
	}
	switch r.Type {
	case 4, 7:
		return checkMessage(r.Data)
	case 1, 5, 6:
		return ""
	case 9:
		return checkModal(r.Data)
	case 8:
		var p payload
		json.Unmarshal(r.Data, &p)
		if len(p.Choices) > maxOptions {
			return errorf("%d choices, over %d", len(p.Choices), maxOptions)
		}
		return ""
	}
	return "unknown callback type " + strconv.Itoa(r.Type)
}

// Limits of a modal and its text inputs.
const (
	maxModalTitle  = 45
	maxInputLabel  = 45
	maxInputLength = 4000
)

// checkModal checks a modal (callback type 9): custom_id 1-100, title
// 1-45, 1-5 rows each holding exactly one text input with a custom_id, a
// label of 1-45, style short (1) or paragraph (2), and lengths within
// 0-4000 with min <= max.
func checkModal(data []byte) string {
	var m struct {
		CustomID   string `json:"custom_id"`
		Title      string `json:"title"`
		Components []struct {
			Type       int `json:"type"`
			Components []struct {
				Type      int    `json:"type"`
				CustomID  string `json:"custom_id"`
				Label     string `json:"label"`
				Style     int    `json:"style"`
				MinLength int    `json:"min_length"`
				MaxLength int    `json:"max_length"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return "modal is not JSON"
	}
	if m.CustomID == "" || len(m.CustomID) > maxCustomID || m.Title == "" || size(m.Title) > maxModalTitle {
		return errorf("modal %q %q: custom_id 1-%d, title 1-%d", m.CustomID, m.Title, maxCustomID, maxModalTitle)
	}
	if len(m.Components) == 0 || len(m.Components) > maxRows {
		return errorf("a modal holds 1-%d rows, not %d", maxRows, len(m.Components))
	}
	for _, row := range m.Components {
		if row.Type != 1 || len(row.Components) != 1 {
			return "a modal row must hold exactly one text input"
		}
		in := row.Components[0]
		switch {
		case in.Type != 4 || in.CustomID == "" || len(in.CustomID) > maxCustomID:
			return errorf("modal component %q: a text input with a custom_id of 1-%d", in.CustomID, maxCustomID)
		case in.Label == "" || size(in.Label) > maxInputLabel || (in.Style != 1 && in.Style != 2):
			return errorf("text input %q: label 1-%d, style 1 or 2", in.CustomID, maxInputLabel)
		case in.MaxLength > maxInputLength || in.MinLength > maxInputLength || in.MinLength < 0 ||
			(in.MaxLength > 0 && in.MinLength > in.MaxLength):
			return errorf("text input %q: lengths %d-%d outside 0-%d", in.CustomID, in.MinLength, in.MaxLength, maxInputLength)
		}
	}
	return ""
}

type commandOption struct {
	Type        int             `json:"type"`
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Required    bool            `json:"required"`
	Options     []commandOption `json:"options"`
	Choices     []struct {
		Name string `json:"name"`
	} `json:"choices"`
}

// overwriteCommands checks and accepts a bulk overwrite of commands.
func (s *Server) overwriteCommands(body []byte) (int, any) {
	var cmds []commandOption
	if err := json.Unmarshal(body, &cmds); err != nil {
		return s.refuse("commands are not a JSON array")
	}
	for _, c := range cmds {
		if v := checkOption(c); v != "" {
			return s.refuse(v)
		}
	}
	out := make([]map[string]any, len(cmds))
	for i, c := range cmds {
		out[i] = map[string]any{"id": strconv.Itoa(1000 + i), "name": c.Name, "description": c.Description}
	}
	return http.StatusOK, out
}

// checkOption checks a command or option: names lower case within
// Discord's pattern, descriptions 1-100 characters, at most 25 options and
// choices.
func checkOption(o commandOption) string {
	if !commandNameRE.MatchString(o.Name) || o.Name != toLower(o.Name) {
		return errorf("name %q does not match ^[-_\\p{L}\\p{N}]{1,32}$ in lower case", o.Name)
	}
	if n := size(o.Description); n < 1 || n > 100 {
		return errorf("description of %q is %d characters, not 1-100", o.Name, n)
	}
	if len(o.Options) > maxOptions || len(o.Choices) > maxOptions {
		return errorf("%q has over %d options or choices", o.Name, maxOptions)
	}
	optional := false
	for _, sub := range o.Options {
		if v := checkOption(sub); v != "" {
			return v
		}
		if sub.Required && optional {
			return errorf("%q: required option %q after an optional one", o.Name, sub.Name)
		}
		optional = optional || !sub.Required
	}
	for _, c := range o.Choices {
		if n := size(c.Name); n < 1 || n > 100 {
			return errorf("choice of %q is %d characters", o.Name, n)
		}
	}
	return ""
}

func toLower(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r >= 'A' && r <= 'Z' {
			out[i] = r + 32
		}
	}
	return string(out)
}
