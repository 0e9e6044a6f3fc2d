package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/routing"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

var ctx = context.Background()

// clock is the fixed time of every test, so that texts are stable.
var clock = func() time.Time { return time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC) }

// env is a service on a fresh store.
type env struct {
	t   *testing.T
	st  *store.Store
	svc *commands.Service
}

// each runs fn on SQLite and on PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		st.Now = clock
		svc := commands.New(st, routing.Route)
		svc.Now = clock
		fn(t, &env{t: t, st: st, svc: svc})
	})
}

func (e *env) member(name string, role inboxbot.Role) inboxbot.Member {
	e.t.Helper()
	m, err := e.st.CreateMember(ctx, inboxbot.Member{Name: name, Role: role})
	if err != nil {
		e.t.Fatalf("create member %s: %v", name, err)
	}
	return m
}

// run runs a command in the shell as the member named as.
func (e *env) run(as, text string) commands.Response {
	e.t.Helper()
	return e.svc.Run(ctx, commands.Request{Platform: inboxbot.PlatformShell, UserID: as, Text: text})
}

// ok runs a command that must succeed.
func (e *env) ok(as, text string) commands.Response {
	e.t.Helper()
	r := e.run(as, text)
	if r.Outcome != commands.OK {
		e.t.Fatalf("%s: /inbox %s = %s: %s", as, text, r.Outcome, r.Error)
	}
	return r
}

// rejected runs a command that must be refused with a message containing
// want and a usage line, and change nothing.
func (e *env) rejected(as, text, want string) commands.Response {
	e.t.Helper()
	before := e.snapshot()
	r := e.run(as, text)
	if r.Outcome != commands.Rejected || !r.Ephemeral {
		e.t.Fatalf("%s: /inbox %s = %s (ephemeral %v), want an ephemeral rejection", as, text, r.Outcome, r.Ephemeral)
	}
	if !strings.Contains(r.Error, want) {
		e.t.Errorf("%s: /inbox %s: error %q does not say %q", as, text, r.Error, want)
	}
	if !strings.HasPrefix(r.Usage, "/inbox ") {
		e.t.Errorf("%s: /inbox %s: no usage line (%q)", as, text, r.Usage)
	}
	if after := e.snapshot(); after != before {
		e.t.Errorf("%s: /inbox %s was rejected but changed the store:\nbefore:\n%s\nafter:\n%s", as, text, before, after)
	}
	return r
}

// inbound sends one message from contact and returns the conversation.
func (e *env) inbound(contact, body string) inboxbot.Conversation {
	e.t.Helper()
	res, err := e.st.AddInbound(ctx, inboxbot.Inbound{Kind: "message", Contact: inboxbot.Contact{ExternalID: contact, Name: contact, Email: contact + "@example.com"},
		Channel: "sms", Body: body}, e.svc.Route)
	if err != nil {
		e.t.Fatalf("inbound from %s: %v", contact, err)
	}
	return res.Conversation
}

func (e *env) conv(id int64) inboxbot.Conversation {
	e.t.Helper()
	c, err := e.st.Conversation(ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// snapshot writes down everything a command could change.
func (e *env) snapshot() string {
	e.t.Helper()
	var b strings.Builder
	ms, err := e.st.Members(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		fmt.Fprintf(&b, "member %s %s away=%v muted=%v slack=%s\n", m.Name, m.Role, m.Away, m.Muted, m.SlackID)
		vs, _ := e.st.Views(ctx, m.ID)
		for _, v := range vs {
			fmt.Fprintf(&b, "  view %s %q shared=%v owner=%s\n", v.Name, v.Query, v.Shared, v.OwnerName)
		}
	}
	for _, status := range []inboxbot.Status{inboxbot.StatusOpen, inboxbot.StatusClosed} {
		cs, err := e.st.List(ctx, inboxbot.Filter{Status: status, Limit: 1000})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, c := range cs {
			fmt.Fprintf(&b, "%s %s assignee=%q owner=%q followers=%s\n", c.Ref(), c.Status, c.AssigneeName, c.Contact.OwnerName, followerNames(c))
			h, _ := e.st.History(ctx, c.ID)
			fmt.Fprintf(&b, "  events=%d\n", len(h))
		}
	}
	rs, _ := e.st.Rules(ctx)
	for _, r := range rs {
		fmt.Fprintf(&b, "rule %d %s\n", r.ID, r.Status)
	}
	counts, _ := e.st.OutboxCounts(ctx)
	fmt.Fprintf(&b, "outbox %v\n", counts)
	return b.String()
}

func followerNames(c inboxbot.Conversation) string {
	var ns []string
	for _, f := range c.Followers {
		ns = append(ns, f.Name)
	}
	return strings.Join(ns, ",")
}

// outbox takes every due notification and returns "member:kind" for each.
func (e *env) outbox() []string {
	e.t.Helper()
	ns, err := e.st.Lease(ctx, "test", []inboxbot.Platform{inboxbot.PlatformShell, inboxbot.PlatformSlack, inboxbot.PlatformDiscord}, 1000, time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.To+":"+n.Kind)
		if err := e.st.Sent(ctx, n.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

// refs lists the refs of a response's cards.
func refs(r commands.Response) string {
	var out []string
	for _, c := range r.Cards {
		out = append(out, c.Conversation.Ref())
	}
	return strings.Join(out, " ")
}

// actions lists the actions of a card.
func actions(c commands.Card) string {
	var out []string
	for _, a := range c.Actions {
		out = append(out, string(a))
	}
	return strings.Join(out, ",")
}

func reqOf(platform inboxbot.Platform, user, text string) commands.Request {
	return commands.Request{Platform: platform, UserID: user, UserName: user, Text: text}
}

func storeUnassign(id int64) inboxbot.Change {
	return inboxbot.Change{ConversationID: id, Via: inboxbot.ViaShell}
}

// unchanged runs fn and fails the test if it changed the store.
func (e *env) unchanged(fn func() commands.Response) commands.Response {
	e.t.Helper()
	before := e.snapshot()
	r := fn()
	if after := e.snapshot(); after != before {
		e.t.Errorf("/inbox %s changed the store:\nbefore:\n%s\nafter:\n%s", r.Command, before, after)
	}
	return r
}
