package inboxbot

import (
	"strings"
	"time"
)

// Trigger is the event that makes rules run.
type Trigger string

// Rule triggers.
const (
	TriggerConversationCreated Trigger = "conversation.created"
	TriggerFormSubmitted       Trigger = "form.submitted"
	TriggerContactTagged       Trigger = "contact.tagged"
)

// Triggers lists every trigger.
var Triggers = []Trigger{TriggerConversationCreated, TriggerFormSubmitted, TriggerContactTagged}

// RuleStatus says whether a rule runs.
type RuleStatus string

// Rule statuses: only published rules run.
const (
	RuleDraft     RuleStatus = "draft"
	RulePublished RuleStatus = "published"
)

// Method is how a rule's action picks a member.
type Method string

// Assignment methods.
const (
	MethodUser        Method = "user"
	MethodRoundRobin  Method = "round_robin"
	MethodCustomField Method = "custom_field"
	MethodLeastLoaded Method = "least_loaded"
)

// Methods lists every method.
var Methods = []Method{MethodUser, MethodRoundRobin, MethodCustomField, MethodLeastLoaded}

// Condition fields and operators, as the rules file writes them.
const (
	FieldLeadSource = "lead_source"
	FieldChannel    = "channel"
	FieldTag        = "tag"
	FieldRegion     = "region"
	FieldTime       = "time"
	// FieldCustomPrefix starts a contact custom field: "custom.plan".
	FieldCustomPrefix = "custom."

	OpEq       = "eq"
	OpIn       = "in"
	OpContains = "contains"
	OpPrefix   = "prefix"
)

// Rule is a workflow rule: when Trigger fires and every condition holds,
// Assign picks a member.
type Rule struct {
	ID int64
	// Priority orders evaluation: lower runs first.
	Priority int
	Name     string
	Status   RuleStatus
	Trigger  Trigger
	When     []Condition
	Assign   Assignment
}

// Condition is one test on the conversation, its contact or the clock.
// Field is lead_source, channel, tag, region, custom.<key> or time.
type Condition struct {
	Field  string   `json:"field"`
	Op     string   `json:"op,omitempty"`
	Value  string   `json:"value,omitempty"`
	Values []string `json:"values,omitempty"`
	// Days, From, To and Timezone describe a time window (Field "time").
	Days     []string `json:"days,omitempty"`
	From     string   `json:"from,omitempty"`
	To       string   `json:"to,omitempty"`
	Timezone string   `json:"timezone,omitempty"`
}

// Assignment is a rule's action: which method picks among which members,
// and who counts as eligible.
type Assignment struct {
	Method Method `json:"method"`
	// Members are member names, in rotation order.
	Members []string `json:"members,omitempty"`
	// Field is the contact custom field naming the member (custom_field).
	Field           string `json:"field,omitempty"`
	SkipAway        bool   `json:"skip_away,omitempty"`
	WorkingHours    bool   `json:"working_hours,omitempty"`
	RespectCapacity bool   `json:"respect_capacity,omitempty"`
	// WhenAway says what happens to a member's open conversations from
	// this rule when they go away; empty is WhenAwayKeep.
	WhenAway WhenAway `json:"when_away,omitempty"`
	// ReassignAfter, when set, moves a conversation the rule assigned to
	// the next eligible member if its assignee neither replies to the
	// contact nor claims it by hand within that time.
	ReassignAfter time.Duration `json:"reassign_after,omitempty"`
}

// WhenAway is what a rule does with a member's conversations when the
// member goes away.
type WhenAway string

// Hand-over choices.
const (
	// WhenAwayKeep leaves the conversations with the member (the default).
	WhenAwayKeep WhenAway = "keep"
	// WhenAwayTeam returns them to the Team inbox.
	WhenAwayTeam WhenAway = "team"
	// WhenAwayReroute gives them to the rule's next eligible member.
	WhenAwayReroute WhenAway = "reroute"
)

// WhenAways lists every hand-over choice.
var WhenAways = []WhenAway{WhenAwayKeep, WhenAwayTeam, WhenAwayReroute}

// Valid reports whether w is a known choice; empty counts as keep.
func (w WhenAway) Valid() bool {
	return w == "" || w == WhenAwayKeep || w == WhenAwayTeam || w == WhenAwayReroute
}

// HandsOver reports whether w moves a member's conversations when they go away.
func (w WhenAway) HandsOver() bool { return w == WhenAwayTeam || w == WhenAwayReroute }

// Bounds of a rule's reassign_after: shorter would move conversations
// before anyone could answer, longer is better served by the alerts.
const (
	MinReassignAfter = time.Minute
	MaxReassignAfter = 30 * 24 * time.Hour
)

// RouteInput is everything a routing decision may look at. The store
// gathers it inside the assigning transaction.
type RouteInput struct {
	// Triggers are the triggers that fired.
	Triggers     []Trigger
	Conversation Conversation
	// Rules are the published rules in priority order.
	Rules []Rule
	// Members are the members the fired rules could pick (those they name,
	// and for custom_field whoever the contact's fields name), with
	// OpenCount filled in; not the whole team.
	Members []Member
	// Turn maps a round-robin rule's id to the number of the turn the
	// decision takes (1, 2, ...; absent counts as 1): turn n goes to the
	// ((n-1) mod k)-th of the k members eligible now, in the rule's order.
	// The store numbers a rule's turns one after another.
	Turn map[int64]int64
	Now  time.Time
	// Holder is the member who held a conversation the contact's new
	// message reopened; the decision keeps it with them when they are
	// available, else the rules place it as a new conversation.
	Holder int64
	// Waiting, when set, says the conversation waited in the Team inbox
	// and is offered to the rules again (a drain); the reason says so.
	Waiting *Waiting
	// Next, when set, moves a conversation a rule assigned on to the
	// rule's next eligible member (hand-over or no answer), passing over
	// the members it names; conditions and triggers are not evaluated.
	Next *Next
}

// Waiting describes a conversation offered to the rules again.
type Waiting struct {
	// For is how long it has waited in the Team inbox.
	For time.Duration
	// Cause is why it is offered now: "lee came back"; empty for the
	// periodic sweep.
	Cause string
}

// Next describes a conversation moving on from its assignee under the
// rule that assigned it.
type Next struct {
	RuleID int64
	// Passed are the members who must not get it: the one it leaves and
	// those who had it before without answering.
	Passed []int64
	// Why is what makes it move: "dana went away". When empty, it moves
	// because From did not answer within Unanswered (reassign_after).
	Why        string
	From       string
	Unanswered time.Duration
}

// Decision is the outcome of routing one conversation.
type Decision struct {
	// Rule is the rule that matched; nil when none did.
	Rule *Rule
	// AssigneeID is 0 when nobody was picked.
	AssigneeID   int64
	AssigneeName string
	// Reason explains the decision to a person:
	// "round-robin among Sales: 3 of 5", "no eligible member: 2 away".
	Reason string
	// Skipped explains, per rule name, why earlier rules did not match.
	Skipped []string
}

// RouteFunc decides who gets a conversation. It must be pure: the store
// calls it inside a transaction and may call it again on retry.
type RouteFunc func(RouteInput) Decision

// Join writes values of a string type as one string, sep between them.
func Join[T ~string](vs []T, sep string) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(string(v))
	}
	return b.String()
}
