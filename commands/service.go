// Package commands holds the use cases behind every chat surface: the
// /inbox grammar, who may do what, and a platform-neutral Response that the
// Slack, Discord and shell adapters render. Commands typed and buttons
// pressed run through the same code, so the surfaces cannot diverge.
package commands

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/store"
)

// Request is one /inbox command as a platform received it.
type Request struct {
	// Platform is slack, discord or shell.
	Platform inboxbot.Platform
	// UserID is the platform user id; in the shell, the member's name.
	UserID string
	// UserName is the display name a new member is named after.
	UserName string
	// Text is everything after "/inbox".
	Text string
	// Team is the workspace (or guild) the request came from, when the
	// platform says; someone picked from another one never joins.
	Team string
	// People looks up the platform's users, so that someone mentioned or
	// picked who never used the bot can join (see Person); nil means only
	// existing members can be named.
	People People
	// ContactText turns the surface's wire format (entities, link and
	// mention markup) into the plain text a contact reads; Run applies it
	// to what /inbox reply sends. Nil sends the text as typed.
	ContactText func(ctx context.Context, s string) string
	// Checks are what the adapter found out about where the request comes
	// from, at its entry; Run and Act act on them before anything else.
	Checks
}

// Checks are the identity and replay findings of a surface about one
// request: the surface checks the platform's fields (workspace, guild,
// application, the delivery id), commands decides what follows, the same
// on every surface.
type Checks struct {
	// Outsider, when set, says why the request comes from outside what
	// this installation serves (another workspace, guild or application,
	// a direct message): it changes nothing, makes nobody a member, and
	// is refused with this text.
	Outsider string
	// Repeat is true when the platform delivered this very request before
	// (a replay within the signature window): it is answered without
	// acting again.
	Repeat bool
	// NoJoin, when set, says why the asker may not become a member on
	// first use (on Discord: they lack DISCORD_AGENT_ROLE); existing
	// members are unaffected.
	NoJoin string
}

// ActionRequest is a button press (or select) on a conversation card.
type ActionRequest struct {
	Platform inboxbot.Platform
	UserID   string
	UserName string
	// ConversationID is the conversation of the card.
	ConversationID int64
	Action         Action
	// Target is the member of an Assign, written as in a command: a
	// mention such as <@U123> (what a user select yields) or a name.
	Target string
	// Text is the message of a Reply, as written in the platform's form.
	Text string
	// Team, People and Checks are as in Request.
	Team   string
	People People
	Checks
}

// Service runs commands against the store.
type Service struct {
	Store *store.Store
	// Now is the clock used to show times; nil means time.Now.
	Now func() time.Time
	// Route is the rules engine: it routes inbound conversations and
	// explains rules without effect.
	Route inboxbot.RouteFunc
	// Log receives the detail of errors that are our fault; nil means slog.Default().
	Log *slog.Logger
	// Webhook reports whether replies to conversations from the API can
	// reach their contacts: INBOXBOT_OUTBOUND_URL is set.
	Webhook bool
	// Chats are the platforms set up here, whose adapters post replies in
	// the threads conversations came from (see CanReply).
	Chats []inboxbot.Platform
	// Count is told of every command and button press that ran, on every
	// surface, once: its command (Label bounds it) and outcome. It feeds
	// inboxbot_commands_total; nil counts nothing.
	Count func(command string, outcome Outcome)
	// Later runs what a change makes possible after the answer (offering
	// the Team inbox to the rules again); nil runs it before answering.
	Later *Later
}

// New returns a Service on st with the real clock and route as its rules
// engine (routing.Route in production).
func New(st *store.Store, route inboxbot.RouteFunc) *Service {
	return &Service{Store: st, Now: time.Now, Route: route}
}

// Run parses and runs one command for the person who typed it.
func (s *Service) Run(ctx context.Context, req Request) Response {
	if r, done := checked(req.Checks); done {
		return r
	}
	cmd, err := Parse(req.Text)
	if err != nil {
		return s.counted(s.fail(cmd.Name, err))
	}
	if cmd.Name == "reply" && req.ContactText != nil {
		cmd.Text = req.ContactText(ctx, cmd.Text)
	}
	return s.counted(s.exec(ctx, req, cmd))
}

// Act runs a button press: the same use case as the command of that name.
func (s *Service) Act(ctx context.Context, a ActionRequest) Response {
	if r, done := checked(a.Checks); done {
		return r
	}
	return s.counted(s.act(ctx, a))
}

// alreadyDone is the answer to a request delivered twice.
const alreadyDone = "Already done: this request was received before, so nothing ran again."

// checked is the answer to a request that must change nothing (done is
// true): one from outside (refused, with why) or a repeat (the short
// "already done"). Neither is counted as a command that ran.
func checked(c Checks) (r Response, done bool) {
	switch {
	case c.Outsider != "":
		return Response{Ephemeral: true, Outcome: Rejected, Error: c.Outsider}, true
	case c.Repeat:
		return Response{Ephemeral: true, Outcome: OK, Title: alreadyDone}, true
	}
	return Response{}, false
}

func (s *Service) act(ctx context.Context, a ActionRequest) Response {
	req := Request{Platform: a.Platform, UserID: a.UserID, UserName: a.UserName, Team: a.Team, People: a.People, Checks: a.Checks}
	cmd := Command{Name: string(a.Action), ID: a.ConversationID}
	switch a.Action {
	case ActionWaiting:
		list, err := Parse("list team")
		if err != nil {
			return s.fail("list", err)
		}
		return s.exec(ctx, req, list)
	case ActionShow, ActionClaim, ActionUnassign, ActionFollow, ActionUnfollow, ActionClose, ActionReopen:
	case ActionReply:
		cmd.Text = a.Text
	case ActionAssign:
		m, err := memberToken("assign", a.Target, true)
		if err != nil {
			return s.fail("assign", err)
		}
		cmd.Member = m
	default:
		return s.fail("", inboxbot.Errorf(inboxbot.EINVALID, "Unknown action %q.", clip(string(a.Action))))
	}
	if a.ConversationID <= 0 {
		return s.fail(cmd.Name, reject(cmd.Name, "Which conversation? The button carries no id."))
	}
	return s.exec(ctx, req, cmd)
}

// counted tells Count of r and returns it.
func (s *Service) counted(r Response) Response {
	if s.Count != nil {
		s.Count(r.Command, r.Outcome)
	}
	return r
}

// call is one command on its way through: who asked, through which
// surface, and what.
type call struct {
	Actor    inboxbot.Member
	Platform inboxbot.Platform
	Via      inboxbot.Via
	Cmd      Command
	// Team and People are the request's: who may join when picked.
	Team   string
	People People
}

// exec runs a parsed command for the person who sent req (req.Text is
// ignored): Run after parsing the words, Act after reading the button.
func (s *Service) exec(ctx context.Context, req Request, cmd Command) Response {
	if cmd.Name == "help" {
		r := help(cmd)
		r.Command = "help"
		return r
	}
	via, err := viaOf(req.Platform)
	if err != nil {
		return s.fail(cmd.Name, err)
	}
	actor, err := s.actor(ctx, req)
	if err != nil {
		// What is wrong is who asks, not the command: its usage line
		// would only mislead.
		r := s.fail(cmd.Name, err)
		r.Usage = ""
		return r
	}
	c := call{Actor: actor, Platform: req.Platform, Via: via, Cmd: cmd, Team: req.Team, People: req.People}
	run, ok := handlers[cmd.Name]
	if !ok {
		return s.fail("", reject("help", "Unknown command %q. Try /inbox help.", clip(cmd.Name)))
	}
	resp, err := run(s, ctx, c)
	if err != nil {
		return s.fail(cmd.Name, err)
	}
	resp.Command = cmd.Name
	for i := range resp.Cards {
		if !s.CanReply(resp.Cards[i].Conversation.Origin) {
			// A Reply button would only lead to the refusal that says
			// why replies cannot reach the contact.
			resp.Cards[i].Actions = slices.DeleteFunc(resp.Cards[i].Actions, func(a Action) bool { return a == ActionReply })
		}
	}
	return resp
}

// handlers maps command names to their use case.
var handlers = map[string]func(*Service, context.Context, call) (Response, error){
	"list":            (*Service).list,
	"show":            (*Service).show,
	"claim":           (*Service).claim,
	"assign":          (*Service).assign,
	"unassign":        (*Service).unassign,
	"follow":          (*Service).follow,
	"unfollow":        (*Service).unfollow,
	"close":           (*Service).close,
	"reopen":          (*Service).reopen,
	"reply":           (*Service).replyTo,
	"note":            (*Service).note,
	"thread reply":    (*Service).threadReply,
	"contact assign":  (*Service).contactAssign,
	"view save":       (*Service).viewSave,
	"view list":       (*Service).viewList,
	"view delete":     (*Service).viewDelete,
	"rules list":      (*Service).rulesList,
	"rules show":      (*Service).rulesShow,
	"rules test":      (*Service).rulesTest,
	"rules sla":       (*Service).rulesSLA,
	"rules publish":   (*Service).rulesPublish,
	"rules unpublish": (*Service).rulesUnpublish,
	"away":            (*Service).away,
	"back":            (*Service).back,
	"notify":          (*Service).notify,
	"team":            (*Service).team,
	"stats":           (*Service).stats,
}

// Label is the name inboxbot_commands_total counts a command under: its
// name ("claim", "contact assign", "note") when it is one of ours,
// "unknown" when the words named none, else "other", so that odd input
// cannot mint new time series.
func Label(command string) string {
	if command == "" {
		return "unknown"
	}
	for name := range handlers {
		if name == command || strings.HasPrefix(name, command+" ") {
			return command
		}
	}
	if command == "help" {
		return command
	}
	return "other"
}

// viaOf is the assignment event's via for a platform.
func viaOf(platform inboxbot.Platform) (inboxbot.Via, error) {
	switch platform {
	case inboxbot.PlatformSlack:
		return inboxbot.ViaSlack, nil
	case inboxbot.PlatformDiscord:
		return inboxbot.ViaDiscord, nil
	case inboxbot.PlatformShell:
		return inboxbot.ViaShell, nil
	}
	return "", inboxbot.Errorf(inboxbot.EINTERNAL, "unknown platform %q", platform)
}

// actor finds the member who sent req. People who have never used the bot
// become agents on first use: on Slack and Discord by their user id, in the
// shell by name.
func (s *Service) actor(ctx context.Context, req Request) (inboxbot.Member, error) {
	if req.UserID == "" {
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "Who is asking? The request names no user.")
	}
	if req.Platform != inboxbot.PlatformShell {
		// The clicker is checked like the one they pick: a request that
		// names no real user id of the platform makes nobody a member.
		if !inboxbot.ValidUserID(req.Platform, req.UserID) {
			return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "%q is not a %s user.", clip(req.UserID), platformName(req.Platform))
		}
		if req.NoJoin != "" {
			m, err := s.Store.MemberByPlatform(ctx, req.Platform, req.UserID)
			if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
				return m, inboxbot.Errorf(inboxbot.EFORBIDDEN, "%s", req.NoJoin)
			}
			return m, err
		}
		return s.Store.EnsurePlatformMember(ctx, req.Platform, req.UserID, req.UserName)
	}
	return shellMember(ctx, s.Store, req.UserID)
}

// shellMember returns the member named name, making them an agent on first use.
func shellMember(ctx context.Context, st *store.Store, name string) (inboxbot.Member, error) {
	m, err := st.MemberByName(ctx, name)
	if inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		return m, err
	}
	if err := inboxbot.CheckMemberName(name); err != nil {
		return inboxbot.Member{}, err
	}
	m, err = st.CreateMember(ctx, inboxbot.Member{Name: name, Role: inboxbot.RoleAgent})
	if inboxbot.ErrorCode(err) == inboxbot.ECONFLICT {
		// Created meanwhile by a twin console: theirs is the one.
		return st.MemberByName(ctx, name)
	}
	return m, err
}

// fail turns an error into a response. Errors with a user-facing code are
// rejections; anything else is logged and shown as an apology.
func (s *Service) fail(name string, err error) Response {
	r := Response{Command: name, Ephemeral: true, Outcome: Rejected, Usage: Usage(name)}
	var ue *UsageError
	if errors.As(err, &ue) {
		r.Command, r.Error, r.Usage = ue.Command, ue.Message, ue.Usage
		return r
	}
	r.Error = inboxbot.ErrorMessage(err)
	switch inboxbot.ErrorCode(err) {
	case inboxbot.EINVALID, inboxbot.ENOTFOUND, inboxbot.ECONFLICT, inboxbot.EFORBIDDEN:
	default:
		r.Outcome = Failed
		s.log().Error("command failed", "command", name, "err", err)
	}
	return r
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
