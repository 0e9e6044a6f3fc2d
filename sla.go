package inboxbot

import "time"

// Hours a policy counts: the assignee's working hours, or the clock.
const (
	HoursBusiness = "business"
	HoursAlways   = "always"
)

// Who an escalation step notifies, where it posts and how it reassigns.
const (
	NotifyAssignee  = "assignee"
	NotifyFollowers = "followers"
	NotifyManagers  = "managers"
	PostInbox       = "inbox"
	ReassignTeam    = "team"
	ReassignNext    = "next"
)

// Targets of a policy, as inboxbot_sla_breaches_total{target} names them.
const (
	TargetFirstResponse = "first_response"
	TargetNextResponse  = "next_response"
	TargetResolution    = "resolution"
)

// Service-level list filters: sla:due and sla:breached.
const (
	SLADue      = "due"
	SLABreached = "breached"
)

// Bounds of a policy's durations (DESIGN.md section 5b).
const (
	MinSLATarget = 30 * time.Second
	MaxSLATarget = 365 * 24 * time.Hour
	MaxSLASteps  = 10
)

// Policy is a service level of the team file's sla list: the first policy
// whose conditions hold applies to a conversation.
type Policy struct {
	ID   int64       `json:"-"`
	Name string      `json:"name"`
	When []Condition `json:"when,omitempty"`
	// FirstResponse, NextResponse and Resolution are the targets; zero is
	// no target.
	FirstResponse time.Duration `json:"first_response,omitempty"`
	NextResponse  time.Duration `json:"next_response,omitempty"`
	Resolution    time.Duration `json:"resolution,omitempty"`
	// Hours is HoursBusiness or HoursAlways (the default).
	Hours      string        `json:"hours,omitempty"`
	WarnBefore time.Duration `json:"warn_before,omitempty"`
	Escalate   []Escalation  `json:"escalate,omitempty"`
}

// Escalation is one step after a breach.
type Escalation struct {
	After    time.Duration `json:"after"`
	Notify   []string      `json:"notify,omitempty"`
	Post     string        `json:"post,omitempty"`
	Reassign string        `json:"reassign,omitempty"`
}

// SLA is where a conversation stands against its policy; the zero value
// is no policy.
type SLA struct {
	Policy           string     `json:"policy"`
	FirstResponseDue *time.Time `json:"first_response_due"`
	NextResponseDue  *time.Time `json:"next_response_due"`
	ResolutionDue    *time.Time `json:"resolution_due"`
	// Breached names the targets missed, in the order they were missed.
	Breached []string `json:"breached"`
	// BreachedAt is when the first target was missed.
	BreachedAt *time.Time `json:"breached_at,omitempty"`
	// Escalation is the highest escalation step that told the managers or
	// posted in the inbox channel (1 for the first step), 0 when none did;
	// cards show it beside the breach.
	Escalation int `json:"-"`
	// AwaitingSince is when the contact started waiting for a first reply
	// (opening, reopening); zero once answered. Kept with or without a
	// policy, for inboxbot_first_response_seconds.
	AwaitingSince time.Time `json:"-"`
}

// Next is the earliest due time still ahead, or nil.
func (s SLA) Next() *time.Time {
	var next *time.Time
	for _, t := range []*time.Time{s.FirstResponseDue, s.NextResponseDue, s.ResolutionDue} {
		if t != nil && (next == nil || t.Before(*next)) {
			next = t
		}
	}
	return next
}
