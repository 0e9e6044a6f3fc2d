// Package inboxbot holds the domain of a chat-native team inbox: members,
// contacts, conversations, their assignment history, workflow rules, saved
// views and the notifications a change causes. It depends on nothing but the
// standard library; storage, routing and chat platforms live in subpackages.
package inboxbot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what a member may do.
type Role string

// Roles, from least to most powerful.
const (
	RoleAgent   Role = "agent"
	RoleManager Role = "manager"
	RoleAdmin   Role = "admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAgent || r == RoleManager || r == RoleAdmin }

// AtLeast reports whether r is as powerful as min.
func (r Role) AtLeast(min Role) bool { return roleRank[r] >= roleRank[min] }

var roleRank = map[Role]int{RoleAgent: 1, RoleManager: 2, RoleAdmin: 3}

// Platform is a chat platform a member can be linked to, or the local console.
type Platform string

// Platforms.
const (
	PlatformSlack   Platform = "slack"
	PlatformDiscord Platform = "discord"
	PlatformShell   Platform = "shell"
	// PlatformWebhook is the outbound webhook that carries replies to the
	// contact's system; no member is linked to it.
	PlatformWebhook Platform = "webhook"
)

// Via says through which surface, or by what, a change was made.
type Via string

// Vias: the surfaces, and the automatic causes of a change.
const (
	ViaSlack    Via = "slack"
	ViaDiscord  Via = "discord"
	ViaAPI      Via = "api"
	ViaShell    Via = "shell"
	ViaWorkflow Via = "workflow"
	ViaContact  Via = "contact"
	// ViaInbound: the contact's new message reopened the conversation.
	ViaInbound Via = "inbound"
)

// ViaOf is the via of changes made through platform.
func ViaOf(p Platform) Via { return Via(p) }

// Status is a conversation's status.
type Status string

// Conversation statuses.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == StatusOpen || s == StatusClosed }

// Direction says who wrote a message.
type Direction string

// Message directions: from the contact, a member's reply to the contact,
// and a member's internal note that the contact never sees.
const (
	DirectionInbound  Direction = "inbound"
	DirectionOutbound Direction = "outbound"
	DirectionNote     Direction = "note"
)

// Member is a teammate who can own conversations.
type Member struct {
	ID        int64
	Name      string
	Role      Role
	SlackID   string
	DiscordID string
	// Timezone is an IANA name; empty means UTC.
	Timezone string
	// Hours are weekly working hours keyed by day or day range, as written
	// in the team file: {"mon-fri": "09:00-17:00"}. Empty means always on.
	Hours   map[string]string
	Regions []string
	Away    bool
	// Capacity is the most open conversations the member may hold; 0 is unlimited.
	Capacity int
	// Muted lists the notification kinds the member turned off.
	Muted     []string
	CreatedAt time.Time

	// OpenCount is the number of open conversations assigned to the member,
	// filled in by queries that need it.
	OpenCount int
}

// Wants reports whether the member wants notifications of kind.
func (m Member) Wants(kind string) bool {
	for _, k := range m.Muted {
		if k == kind {
			return false
		}
	}
	return true
}

// Availability is "away" or "available".
func (m Member) Availability() string {
	if m.Away {
		return "away"
	}
	return "available"
}

// Contact is the customer on the other side of conversations.
type Contact struct {
	ID         int64
	ExternalID string
	Name       string
	Email      string
	Phone      string
	LeadSource string
	Tags       []string
	// Region is an ISO 3166 code such as "US-CA" or "DE".
	Region string
	Custom map[string]string
	// OwnerID is the contact-level assignee; 0 when none.
	OwnerID   int64
	OwnerName string
	CreatedAt time.Time
}

// DisplayName is the best human name the contact has.
func (c Contact) DisplayName() string {
	for _, s := range []string{c.Name, c.Email, c.Phone, c.ExternalID} {
		if s != "" {
			return s
		}
	}
	return "unknown contact"
}

// HasTag reports whether the contact carries tag (case-insensitively).
func (c Contact) HasTag(tag string) bool {
	for _, t := range c.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// Conversation is one thread with a contact on one channel.
type Conversation struct {
	ID      int64
	Contact Contact
	Channel string
	Subject string
	Status  Status
	// AssigneeID is 0 when the conversation is in the Team inbox.
	AssigneeID    int64
	AssigneeName  string
	Followers     []Member
	LastMessageAt time.Time
	// Preview is the start of the last message.
	Preview string
	// ReplyFailed is true when the latest reply to the contact could not
	// be delivered (and no later one was); cards say so.
	ReplyFailed bool
	// WaitingSince is when an open, unassigned conversation entered the
	// Team inbox; zero otherwise.
	WaitingSince time.Time
	// RuleID is the rule that assigned it, while its assignee holds it
	// by that rule (0 when a person or nothing did).
	RuleID int64
	// ReplyDue is when it moves on unless its assignee replies or claims
	// it (a rule's reassign_after); zero when it does not.
	ReplyDue time.Time
	// Origin is the chat thread the conversation came from; nil when it
	// came from the API. Replies go there.
	Origin *Origin
	// SLA is where it stands against its service-level policy (zero when
	// none applies).
	SLA       SLA
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ref is how people write the conversation's id: "#1042".
func (c Conversation) Ref() string { return Ref(c.ID) }

// Ref formats a conversation id as people write it: "#1042".
func Ref(id int64) string { return "#" + strconv.FormatInt(id, 10) }

// Assigned reports whether someone holds the conversation.
func (c Conversation) Assigned() bool { return c.AssigneeID != 0 }

// FollowedBy reports whether member id follows the conversation.
func (c Conversation) FollowedBy(id int64) bool {
	for _, f := range c.Followers {
		if f.ID == id {
			return true
		}
	}
	return false
}

// Message is one message of a conversation: from the contact, a member's
// reply to the contact, or a member's internal note.
type Message struct {
	ID             int64
	ConversationID int64
	// ExternalID is the source system's id; a repeat of it is a retry.
	ExternalID string
	Direction  Direction
	// AuthorID and AuthorName name the member who wrote a reply or a note.
	AuthorID   int64
	AuthorName string
	Body       string
	SentAt     time.Time
	// Delivery is where a reply is on its way to the contact: pending,
	// sent or failed; empty for other messages.
	Delivery Delivery
	// DeliveryError says why a failed reply was not delivered.
	DeliveryError string
}

// Delivery is the state of a reply on its way to the contact.
type Delivery string

// Delivery states.
const (
	DeliveryPending Delivery = "pending"
	DeliverySent    Delivery = "sent"
	DeliveryFailed  Delivery = "failed"
)

// EventKind says what an entry of a conversation's history records.
type EventKind string

// Event kinds: a change of hands, a close, a reopen.
const (
	KindAssign EventKind = "assign"
	KindClose  EventKind = "close"
	KindReopen EventKind = "reopen"
)

// AssignmentEvent records one entry of a conversation's history: a change
// of hands, or a close or reopen (From and To are then the holder). From
// and To are 0 for the Team inbox; ActorID is 0 when a rule, the contact
// owner or the contact's new message made the change.
type AssignmentEvent struct {
	ID             int64
	ConversationID int64
	Kind           EventKind
	FromID         int64
	FromName       string
	ToID           int64
	ToName         string
	ActorID        int64
	ActorName      string
	Via            Via
	RuleID         int64
	RuleName       string
	Reason         string
	At             time.Time
}

// View is a named filter, written in the /inbox list grammar
// ("mine tag:vip status:open"), owned by a member and maybe shared.
type View struct {
	ID        int64
	OwnerID   int64
	OwnerName string
	Name      string
	Query     string
	Shared    bool
}

// Filter selects conversations for a list.
type Filter struct {
	// AssigneeID limits to one member's conversations.
	AssigneeID int64
	// Unassigned limits to the Team inbox.
	Unassigned bool
	// FollowerID limits to conversations that member follows.
	FollowerID int64
	Status     Status
	Tag        string
	Channel    string
	LeadSource string
	// SLA is SLADue (a target still ahead, soonest first) or SLABreached
	// (in breach now, longest first); empty for any.
	SLA string
	// Limit caps the result; 0 means the store's default.
	Limit int
}

// Card is the message that shows a conversation in a platform's inbox channel.
type Card struct {
	ConversationID int64
	Platform       Platform
	Channel        string
	MessageID      string
}

// ValidUserID reports whether id is a well-formed user id on platform:
// on Slack U or W and then up to 31 capital letters and digits
// (U024BE7LH), on Discord a snowflake of 17 to 20 digits.
func ValidUserID(platform Platform, id string) bool {
	switch platform {
	case PlatformSlack:
		return len(id) >= 2 && len(id) <= 32 && (id[0] == 'U' || id[0] == 'W') &&
			strings.Trim(id[1:], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
	case PlatformDiscord:
		return len(id) >= 17 && len(id) <= 20 && strings.Trim(id, "0123456789") == ""
	}
	return false
}

// MaxNameLength bounds member names, which appear in every list and DM.
const MaxNameLength = 64

// CheckMemberName returns nil when name can name a member, else an EINVALID
// error that says why: a name is one word without @, <, > or commas (so
// that @name, mentions and lists read unambiguously), at most MaxNameLength
// characters, not me or none (which mean the asker and nobody in lists
// and the API), and in one script (Latin with Chinese, Japanese or Korean
// is one, as people write them; see CheckMemberNameAmong for look-alikes).
func CheckMemberName(name string) error {
	var why string
	switch {
	case name == "":
		why = "it is empty"
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		why = "it is more than one word"
	case strings.IndexFunc(name, Invisible) >= 0:
		why = fmt.Sprintf("it contains the invisible character %U", []rune(name)[runeIndex(name, Invisible)])
	case strings.ContainsAny(name, "@<>,"):
		why = "it contains " + string(name[strings.IndexAny(name, "@<>,")])
	case utf8.RuneCountInString(name) > MaxNameLength:
		why = fmt.Sprintf("it is %d characters long", utf8.RuneCountInString(name))
	case strings.EqualFold(name, "me") || strings.EqualFold(name, "none"):
		why = strings.ToLower(name) + " is reserved"
	default:
		a, b, mixed := mixedScripts(name)
		if !mixed {
			return nil
		}
		// "dаna" with a Cyrillic а looks like dana and is not.
		why = fmt.Sprintf("it mixes %s and %s letters", a, b)
	}
	if r := []rune(name); len(r) > 40 {
		name = string(r[:39]) + "…"
	}
	return Errorf(EINVALID, "%q cannot be a member name (%s): a name is one word without @, <, > or commas, at most %d characters, and not me or none.",
		name, why, MaxNameLength)
}

// MaxLabelLength bounds rule and view names, which are shown to everyone.
const MaxLabelLength = 100

// Invisible reports whether r does not show as itself on a screen: a
// control character (ESC, BEL), a format character (zero-width space, bidi
// overrides such as U+202E), an unassigned or private-use code point, or a
// blank filler. A name with one looks like another name, or rewrites the
// terminal or the line it is shown in.
func Invisible(r rune) bool {
	switch r {
	case ' ':
		return false
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
		return true // Hangul fillers and the blank braille pattern
	}
	return !unicode.IsPrint(r) && !unicode.IsSpace(r) || r == utf8.RuneError
}

// CheckLabel returns nil when name can name a rule or a view, else an
// EINVALID error naming what: not empty, at most max characters, and
// nothing invisible (see Invisible), so two names that look alike are alike.
func CheckLabel(what, name string, max int) error {
	switch {
	case strings.TrimSpace(name) == "":
		return Errorf(EINVALID, "%s is empty", what)
	case !utf8.ValidString(name):
		return Errorf(EINVALID, "%s is not valid UTF-8", what)
	case utf8.RuneCountInString(name) > max:
		return Errorf(EINVALID, "%s is %d characters long; at most %d are allowed (%q)", what, utf8.RuneCountInString(name), max, Clip(name))
	}
	if i := runeIndex(name, func(r rune) bool { return Invisible(r) && r != ' ' || r != ' ' && unicode.IsSpace(r) }); i >= 0 {
		return Errorf(EINVALID, "%s contains the invisible character %U (%q)", what, []rune(name)[i], Clip(name))
	}
	return nil
}

// runeIndex is the index, in runes, of the first rune of s for which f is
// true, or -1.
func runeIndex(s string, f func(rune) bool) int {
	i := 0
	for _, r := range s {
		if f(r) {
			return i
		}
		i++
	}
	return -1
}
