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
	// Label, Hint and Element are an input block's.
	Label   *text    `json:"label"`
	Hint    *text    `json:"hint"`
	Element *element `json:"element"`
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
	// MinLength and MaxLength are a plain_text_input's.
	MinLength int `json:"min_length"`
	MaxLength int `json:"max_length"`
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
		if n := utf8.RuneCountInString(b.BlockID); n > 255 {
			return fmt.Sprintf("block %d: block_id of %d characters, more than 255", i, n)
		}
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
	case "input":
		if b.Label == nil || b.Label.Type != "plain_text" || b.Label.Text == "" || n(b.Label.Text) > 2000 {
			return "input label must be plain_text of 1 to 2000 characters"
		}
		if b.Hint != nil && (b.Hint.Type != "plain_text" || n(b.Hint.Text) > 2000) {
			return "input hint must be plain_text of at most 2000 characters"
		}
		if b.Element == nil {
			return "input without an element"
		}
		return checkElement(*b.Element)
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
	case "plain_text_input":
		if e.MaxLength < 0 || e.MaxLength > 3000 || e.MinLength < 0 || e.MinLength > 3000 ||
			(e.MaxLength > 0 && e.MinLength > e.MaxLength) {
			return fmt.Sprintf("plain_text_input lengths %d..%d outside 0..3000", e.MinLength, e.MaxLength)
		}
	case "users_select":
	default:
		return "unknown element type " + e.Type
	}
	return ""
}

// view is the part of a modal the fake checks.
type view struct {
	Type            string          `json:"type"`
	Title           *text           `json:"title"`
	Submit          *text           `json:"submit"`
	Close           *text           `json:"close"`
	Blocks          json.RawMessage `json:"blocks"`
	PrivateMetadata string          `json:"private_metadata"`
	CallbackID      string          `json:"callback_id"`
}

// CheckModal returns why Slack would refuse a modal view (views.open), or
// "": type modal; a plain_text title of 1 to 24 characters; submit and
// close labels plain_text of at most 24, and a submit wherever there is an
// input block; at most 100 valid blocks; private_metadata up to 3000
// characters; callback_id up to 255.
func CheckModal(raw json.RawMessage) string {
	var v view
	if err := json.Unmarshal(raw, &v); err != nil {
		return "view is not a JSON object: " + err.Error()
	}
	n := utf8.RuneCountInString
	switch {
	case v.Type != "modal":
		return fmt.Sprintf("view type %q, want modal", v.Type)
	case v.Title == nil || v.Title.Type != "plain_text" || v.Title.Text == "" || n(v.Title.Text) > 24:
		return "title must be plain_text of 1 to 24 characters"
	case v.Submit != nil && (v.Submit.Type != "plain_text" || v.Submit.Text == "" || n(v.Submit.Text) > 24):
		return "submit must be plain_text of 1 to 24 characters"
	case v.Close != nil && (v.Close.Type != "plain_text" || v.Close.Text == "" || n(v.Close.Text) > 24):
		return "close must be plain_text of 1 to 24 characters"
	case len(v.PrivateMetadata) > 3000:
		return "private_metadata over 3000 characters"
	case n(v.CallbackID) > 255:
		return "callback_id over 255 characters"
	}
	if why := CheckBlocks(v.Blocks, 100); why != "" {
		return why
	}
	var blocks []block
	json.Unmarshal(v.Blocks, &blocks)
	for _, b := range blocks {
		if b.Type == "input" && v.Submit == nil {
			return "a modal with input blocks needs a submit button"
		}
	}
	return ""
}
