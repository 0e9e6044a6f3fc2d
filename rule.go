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
}

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
	// LastTurn maps a round-robin rule's id to the member id that had the
	// last turn (absent when nobody had one yet).
	LastTurn map[int64]int64
	Now      time.Time
	// Holder is the member who held a conversation the contact's new
	// message reopened; the decision keeps it with them when they are
	// available, else the rules place it as a new conversation.
	Holder int64
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
