package commands

import (
	"strings"

	"github.com/inboxbot/inboxbot"
)

// Query is a list filter in the words of the grammar. Views store it as
// text (Query.String) and parse it again at use, so "mine" means the viewer.
type Query struct {
	// Scope is mine, team, following or all; "" when not given.
	Scope   string
	Member  string
	Status  string
	Tag     string
	Channel string
	// SLA is due or breached (sla:due, sla:breached).
	SLA  string
	View string
}

// String writes q back in the grammar's words, in a fixed order.
func (q Query) String() string {
	var w []string
	add := func(prefix, v string) {
		if v != "" {
			w = append(w, prefix+v)
		}
	}
	add("", q.Scope)
	add("", q.Member)
	add("status:", q.Status)
	add("tag:", q.Tag)
	add("channel:", q.Channel)
	add("sla:", q.SLA)
	add("view:", q.View)
	return strings.Join(w, " ")
}

func isScope(w string) bool {
	return w == "mine" || w == "team" || w == "following" || w == "all"
}

// parseQuery reads list filters. Each filter may appear once; the words of
// a view are parsed with it too, so view:NAME is only checked for form here.
func parseQuery(cmd string, words []string) (Query, error) {
	var q Query
	set := func(field *string, what, v string) error {
		if *field != "" {
			return reject(cmd, "Give %s only once (got %s and %s).", what, clip(*field), clip(v))
		}
		if v == "" {
			return reject(cmd, "%s needs a value, like %s.", what, example[what])
		}
		*field = v
		return nil
	}
	for _, w := range words {
		lw := strings.ToLower(w)
		key, val, hasColon := strings.Cut(w, ":")
		var err error
		switch {
		case isScope(lw):
			err = set(&q.Scope, "the scope (mine, team, following or all)", lw)
		case strings.HasPrefix(w, "@") || strings.HasPrefix(w, "<@"):
			var m string
			if m, err = memberToken(cmd, w, false); err == nil {
				err = set(&q.Member, "@member", m)
			}
		case hasColon && strings.EqualFold(key, "status"):
			val = strings.ToLower(val)
			if val != "" && !inboxbot.Status(val).Valid() {
				return Query{}, reject(cmd, "status must be open or closed (got %q).", clip(val))
			}
			err = set(&q.Status, "status:", val)
		case hasColon && strings.EqualFold(key, "tag"):
			err = set(&q.Tag, "tag:", val)
		case hasColon && strings.EqualFold(key, "channel"):
			err = set(&q.Channel, "channel:", strings.ToLower(val))
		case hasColon && strings.EqualFold(key, "sla"):
			val = strings.ToLower(val)
			if val != "" && val != inboxbot.SLADue && val != inboxbot.SLABreached {
				return Query{}, reject(cmd, "sla must be due or breached (got %q).", clip(val))
			}
			err = set(&q.SLA, "sla:", val)
		case hasColon && strings.EqualFold(key, "view"):
			err = set(&q.View, "view:", val)
		default:
			return Query{}, reject(cmd, "Unknown filter %q.", clip(w))
		}
		if err != nil {
			return Query{}, err
		}
	}
	return q, checkQuery(cmd, q)
}

var example = map[string]string{
	"status:": "status:open", "tag:": "tag:vip", "channel:": "channel:sms", "sla:": "sla:breached", "view:": "view:vip",
	"@member": "@dana", "the scope (mine, team, following or all)": "mine",
}

// checkQuery refuses combinations that can match nothing by construction.
func checkQuery(cmd string, q Query) error {
	if q.Member != "" && (q.Scope == "mine" || q.Scope == "team") {
		return reject(cmd, "%s cannot be combined with %s: %s already says whose conversations to list.", q.Scope, clip(q.Member), q.Scope)
	}
	return nil
}
