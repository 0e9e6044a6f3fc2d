package slacktest

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// block is the part of a Block Kit block the fake checks.
type block struct {
	Type      string    `json:"type"`
	BlockID   string    `json:"block_id"`
	Text      *text     `json:"text"`
	Fields    []text    `json:"fields"`
	Accessory *element  `json:"accessory"`
	Elements  []element `json:"elements"`
}

type text struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// element is an interactive element, or in a context block a text object
// (whose text is a string): Text is decoded when needed.
type element struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"`
	ActionID string          `json:"action_id"`
	Value    string          `json:"value"`
	Options  []struct {
		Text  text   `json:"text"`
		Value string `json:"value"`
	} `json:"options"`
}

// CheckBlocks returns why Slack would refuse blocks (invalid_blocks), or
// "": at most max blocks (50 in messages, 100 in views), section text up
// to 3000 characters, at most 10 fields of 2000, header text up to 150,
// at most 25 elements in an actions block and 10 in a context block,
// button text up to 75, action_id up to 255 and unique in its block,
// value up to 2000, overflow menus of 2 to 5 options.
func CheckBlocks(raw json.RawMessage, max int) string {
	var blocks []block
	if err := json.Unmarshal(raw, &blocks); err != nil {
		return "blocks are not a JSON array of blocks: " + err.Error()
	}
	if len(blocks) > max {
		return fmt.Sprintf("%d blocks, more than %d", len(blocks), max)
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		if b.BlockID != "" {
			if ids[b.BlockID] {
				return fmt.Sprintf("block %d: duplicate block_id %q", i, b.BlockID)
			}
			ids[b.BlockID] = true
		}
		if why := checkBlock(b); why != "" {
			return fmt.Sprintf("block %d (%s): %s", i, b.Type, why)
		}
	}
	return ""
}

func checkBlock(b block) string {
	n := utf8.RuneCountInString
	switch b.Type {
	case "section":
		if b.Text == nil && len(b.Fields) == 0 {
			return "section without text or fields"
		}
		if b.Text != nil && (n(b.Text.Text) > 3000 || b.Text.Text == "") {
			return fmt.Sprintf("section text of %d characters", n(b.Text.Text))
		}
		if len(b.Fields) > 10 {
			return "more than 10 fields"
		}
		for _, f := range b.Fields {
			if n(f.Text) > 2000 {
				return "field over 2000 characters"
			}
		}
		if b.Accessory != nil {
			return checkElement(*b.Accessory)
		}
	case "actions":
		if len(b.Elements) == 0 || len(b.Elements) > 25 {
			return fmt.Sprintf("%d elements in an actions block", len(b.Elements))
		}
		seen := map[string]bool{}
		for _, e := range b.Elements {
			if seen[e.ActionID] {
				return "duplicate action_id " + e.ActionID
			}
			seen[e.ActionID] = true
			if why := checkElement(e); why != "" {
				return why
			}
		}
	case "context":
		if len(b.Elements) == 0 || len(b.Elements) > 10 {
			return fmt.Sprintf("%d elements in a context block", len(b.Elements))
		}
	case "header":
		if b.Text == nil || b.Text.Type != "plain_text" || n(b.Text.Text) > 150 {
			return "header needs plain_text of at most 150 characters"
		}
	case "divider":
	default:
		return "unknown block type"
	}
	return ""
}

func checkElement(e element) string {
	n := utf8.RuneCountInString
	if e.ActionID == "" || n(e.ActionID) > 255 {
		return fmt.Sprintf("action_id %q empty or over 255 characters", e.ActionID)
	}
	switch e.Type {
	case "button":
		var t text
		json.Unmarshal(e.Text, &t)
		if t.Type != "plain_text" || t.Text == "" || n(t.Text) > 75 {
			return "button text must be plain_text of 1 to 75 characters"
		}
		if n(e.Value) > 2000 {
			return "button value over 2000 characters"
		}
	case "overflow":
		if len(e.Options) < 2 || len(e.Options) > 5 {
			return fmt.Sprintf("overflow with %d options", len(e.Options))
		}
		for _, o := range e.Options {
			if n(o.Text.Text) > 75 || n(o.Value) > 150 {
				return "overflow option text over 75 or value over 150 characters"
			}
		}
	case "users_select":
	default:
		return "unknown element type " + e.Type
	}
	return ""
}
