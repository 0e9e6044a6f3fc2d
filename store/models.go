package store

import (
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// The row types below mirror the tables of migrations/; they never leave
// this package: queries convert them to the domain types.

type memberRow struct {
	bun.BaseModel `bun:"table:members"`

	ID        int64             `bun:"id,pk,autoincrement"`
	Name      string            `bun:"name"`
	Role      string            `bun:"role"`
	SlackID   string            `bun:"slack_id,nullzero"`
	DiscordID string            `bun:"discord_id,nullzero"`
	Timezone  string            `bun:"timezone"`
	Hours     map[string]string `bun:"hours,type:json"`
	Regions   []string          `bun:"regions,type:json"`
	Away      bool              `bun:"away"`
	Capacity  int               `bun:"capacity"`
	Muted     []string          `bun:"muted,type:json"`
	CreatedAt time.Time         `bun:"created_at"`

	// OpenCount is maintained by the store (shiftOpenCount), never written
	// from a row.
	OpenCount int `bun:"open_count,scanonly"`
}

func (r memberRow) domain() inboxbot.Member {
	return inboxbot.Member{
		ID: r.ID, Name: r.Name, Role: inboxbot.Role(r.Role), SlackID: r.SlackID, DiscordID: r.DiscordID,
		Timezone: r.Timezone, Hours: r.Hours, Regions: r.Regions, Away: r.Away, Capacity: r.Capacity,
		Muted: r.Muted, CreatedAt: r.CreatedAt, OpenCount: r.OpenCount,
	}
}

func memberRowOf(m inboxbot.Member) memberRow {
	return memberRow{
		ID: m.ID, Name: m.Name, Role: string(m.Role), SlackID: m.SlackID, DiscordID: m.DiscordID,
		Timezone: m.Timezone, Hours: m.Hours, Regions: m.Regions, Away: m.Away, Capacity: m.Capacity,
		Muted: m.Muted, CreatedAt: m.CreatedAt,
	}
}

type contactRow struct {
	bun.BaseModel `bun:"table:contacts"`

	ID         int64             `bun:"id,pk,autoincrement"`
	ExternalID string            `bun:"external_id"`
	Name       string            `bun:"name"`
	Email      string            `bun:"email"`
	Phone      string            `bun:"phone"`
	LeadSource string            `bun:"lead_source"`
	Region     string            `bun:"region"`
	Custom     map[string]string `bun:"custom,type:json"`
	OwnerID    int64             `bun:"owner_id,nullzero"`
	CreatedAt  time.Time         `bun:"created_at"`
	UpdatedAt  time.Time         `bun:"updated_at"`
}

func (r contactRow) domain(tags []string, ownerName string) inboxbot.Contact {
	return inboxbot.Contact{
		ID: r.ID, ExternalID: r.ExternalID, Name: r.Name, Email: r.Email, Phone: r.Phone,
		LeadSource: r.LeadSource, Tags: tags, Region: r.Region, Custom: r.Custom,
		OwnerID: r.OwnerID, OwnerName: ownerName, CreatedAt: r.CreatedAt,
	}
}

type conversationRow struct {
	bun.BaseModel `bun:"table:conversations"`

	ID              int64           `bun:"id,pk,autoincrement"`
	ContactID       int64           `bun:"contact_id"`
	Channel         string          `bun:"channel"`
	Subject         string          `bun:"subject"`
	Status          inboxbot.Status `bun:"status"`
	AssigneeID      int64           `bun:"assignee_id,nullzero"`
	Preview         string          `bun:"preview"`
	LastMessageAt   time.Time       `bun:"last_message_at"`
	UnassignedSince time.Time       `bun:"unassigned_since,nullzero"`
	AlertedAt       time.Time       `bun:"alerted_at,nullzero"`
	ReplyFailedAt   time.Time       `bun:"reply_failed_at,nullzero"`
	// AssignedRuleID is the rule the assignee holds it by; ReassignDueAt
	// when it moves on without an answer; PassedOver the members it
	// moved on from (see waits.go).
	AssignedRuleID int64     `bun:"assigned_rule_id,nullzero"`
	ReassignDueAt  time.Time `bun:"reassign_due_at,nullzero"`
	PassedOver     string    `bun:"passed_over,nullzero"`
	// The service-level state (see sla.go).
	SLAPolicyID        int64     `bun:"sla_policy_id,nullzero"`
	SLAFirstDue        time.Time `bun:"sla_first_due,nullzero"`
	SLANextDue         time.Time `bun:"sla_next_due,nullzero"`
	SLAResolutionDue   time.Time `bun:"sla_resolution_due,nullzero"`
	SLABreached        string    `bun:"sla_breached,nullzero"`
	SLABreachedAt      time.Time `bun:"sla_breached_at,nullzero"`
	SLAStep            int       `bun:"sla_step"`
	SLAWarnedFor       time.Time `bun:"sla_warned_for,nullzero"`
	SLAEscalation      int       `bun:"sla_escalation"`
	SLADueAt           time.Time `bun:"sla_due_at,nullzero"`
	SLATimerAt         time.Time `bun:"sla_timer_at,nullzero"`
	SLAStartedAt       time.Time `bun:"sla_started_at,nullzero"`
	SLANextSince       time.Time `bun:"sla_next_since,nullzero"`
	FirstResponseSince time.Time `bun:"first_response_since,nullzero"`
	Version            int64     `bun:"version"`
	CreatedAt          time.Time `bun:"created_at"`
	UpdatedAt          time.Time `bun:"updated_at"`
	// The versions the platforms' cards show (see cardColumn).
	SlackCardVersion   int64 `bun:"slack_card_version"`
	DiscordCardVersion int64 `bun:"discord_card_version"`
	// The chat thread it came from (see origin.go); OriginPlatform is
	// NULL for a conversation from the API.
	OriginPlatform inboxbot.Platform `bun:"origin_platform,nullzero"`
	OriginChannel  string            `bun:"origin_channel,nullzero"`
	OriginThread   string            `bun:"origin_thread"`
	OriginURL      string            `bun:"origin_url,nullzero"`
}

type messageRow struct {
	bun.BaseModel `bun:"table:messages"`

	ID             int64              `bun:"id,pk,autoincrement"`
	ConversationID int64              `bun:"conversation_id"`
	ExternalID     string             `bun:"external_id,nullzero"`
	Direction      inboxbot.Direction `bun:"direction"`
	AuthorID       int64              `bun:"author_id,nullzero"`
	Body           string             `bun:"body"`
	SentAt         time.Time          `bun:"sent_at"`
	Delivery       inboxbot.Delivery  `bun:"delivery"`
	DeliveryError  string             `bun:"delivery_error"`

	AuthorName string `bun:"author_name,scanonly"`
}

func (r messageRow) domain() inboxbot.Message {
	return inboxbot.Message{ID: r.ID, ConversationID: r.ConversationID, ExternalID: r.ExternalID,
		Direction: r.Direction, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Body: r.Body, SentAt: r.SentAt,
		Delivery: r.Delivery, DeliveryError: r.DeliveryError}
}

type followerRow struct {
	bun.BaseModel `bun:"table:followers"`

	ConversationID int64     `bun:"conversation_id,pk"`
	MemberID       int64     `bun:"member_id,pk"`
	CreatedAt      time.Time `bun:"created_at"`
}

type eventRow struct {
	bun.BaseModel `bun:"table:assignment_events"`

	ID             int64              `bun:"id,pk,autoincrement"`
	ConversationID int64              `bun:"conversation_id"`
	Kind           inboxbot.EventKind `bun:"kind"`
	FromID         int64              `bun:"from_id,nullzero"`
	ToID           int64              `bun:"to_id,nullzero"`
	ActorID        int64              `bun:"actor_id,nullzero"`
	Via            inboxbot.Via       `bun:"via"`
	RuleID         int64              `bun:"rule_id,nullzero"`
	RuleName       string             `bun:"rule_name"`
	Reason         string             `bun:"reason"`
	CreatedAt      time.Time          `bun:"created_at"`
}

type ruleRow struct {
	bun.BaseModel `bun:"table:rules"`

	ID         int64                `bun:"id,pk,autoincrement"`
	Priority   int                  `bun:"priority"`
	Name       string               `bun:"name"`
	Status     inboxbot.RuleStatus  `bun:"status"`
	Trigger    inboxbot.Trigger     `bun:"trigger_event"`
	Conditions []inboxbot.Condition `bun:"conditions,type:json"`
	Action     inboxbot.Assignment  `bun:"action,type:json"`
	UpdatedAt  time.Time            `bun:"updated_at"`
}

func (r ruleRow) domain() inboxbot.Rule {
	return inboxbot.Rule{ID: r.ID, Priority: r.Priority, Name: r.Name, Status: r.Status,
		Trigger: r.Trigger, When: r.Conditions, Assign: r.Action}
}

type slaPolicyRow struct {
	bun.BaseModel `bun:"table:sla_policies"`

	ID        int64           `bun:"id,pk,autoincrement"`
	Position  int             `bun:"position"`
	Name      string          `bun:"name"`
	Policy    inboxbot.Policy `bun:"policy,type:json"`
	UpdatedAt time.Time       `bun:"updated_at"`
}

func (r slaPolicyRow) domain() inboxbot.Policy {
	p := r.Policy
	p.ID, p.Name = r.ID, r.Name
	return p
}

type ruleTurnRow struct {
	bun.BaseModel `bun:"table:rule_turns"`

	RuleID       int64 `bun:"rule_id,pk"`
	LastMemberID int64 `bun:"last_member_id,nullzero"`
	Turns        int64 `bun:"turns"`
}

type viewRow struct {
	bun.BaseModel `bun:"table:views"`

	ID        int64     `bun:"id,pk,autoincrement"`
	OwnerID   int64     `bun:"owner_id"`
	Name      string    `bun:"name"`
	Query     string    `bun:"query"`
	Shared    bool      `bun:"shared"`
	CreatedAt time.Time `bun:"created_at"`

	OwnerName string `bun:"owner_name,scanonly"`
}

type notificationRow struct {
	bun.BaseModel `bun:"table:notifications"`

	ID             int64             `bun:"id,pk,autoincrement"`
	Kind           string            `bun:"kind"`
	MemberID       int64             `bun:"member_id,nullzero"`
	ConversationID int64             `bun:"conversation_id,nullzero"`
	MessageID      int64             `bun:"message_id,nullzero"`
	Platform       inboxbot.Platform `bun:"platform"`
	Recipient      string            `bun:"recipient"`
	Notice         string            `bun:"notice"`
	DedupeKey      string            `bun:"dedupe_key"`
	State          string            `bun:"state"`
	Attempts       int               `bun:"attempts"`
	NextAttemptAt  time.Time         `bun:"next_attempt_at"`
	LeaseOwner     string            `bun:"lease_owner,nullzero"`
	LeaseUntil     time.Time         `bun:"lease_until,nullzero"`
	LastError      string            `bun:"last_error"`
	CreatedAt      time.Time         `bun:"created_at"`
	SentAt         time.Time         `bun:"sent_at,nullzero"`

	MemberName string `bun:"member_name,scanonly"`
}

type cardRow struct {
	bun.BaseModel `bun:"table:cards"`

	ConversationID int64             `bun:"conversation_id,pk"`
	Platform       inboxbot.Platform `bun:"platform,pk"`
	Channel        string            `bun:"channel"`
	MessageID      string            `bun:"message_id"`
	Version        int64             `bun:"version"`
	LeaseOwner     string            `bun:"lease_owner,nullzero"`
	LeaseUntil     time.Time         `bun:"lease_until,nullzero"`
	UpdatedAt      time.Time         `bun:"updated_at"`
}
