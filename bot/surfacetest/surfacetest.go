// Package surfacetest is the contract every chat surface meets, as one
// suite: cards posted and kept in step with changes made anywhere, the
// card's buttons, a second claimer told who has it, direct messages to the
// right people and never to the actor, customer text that pings nobody,
// answers within the platform's deadline, deliveries retried after a 429
// or a 500 without a duplicate, and managers' alerts kept to one message.
// An adapter runs it from its tests through a small Driver over its
// platform's fake; a new platform implements the Driver and gets the whole
// suite.
package surfacetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/inboxbot/inboxbot"
	"github.com/inboxbot/inboxbot/bot"
	"github.com/inboxbot/inboxbot/commands"
	"github.com/inboxbot/inboxbot/store"
	"github.com/inboxbot/inboxbot/store/storetest"
)

// Driver runs one adapter for the suite, over the store it was opened on
// and a fresh fake of its platform, with replies to contacts on. Failures
// are reported on the test the Driver was built for.
type Driver interface {
	// Store is the database under the adapter.
	Store() *store.Store
	// Service is the command layer the adapter hands every command and
	// click to.
	Service() *commands.Service
	// Join makes a member of role linked to a new user of the platform,
	// whom the fake knows.
	Join(name string, role inboxbot.Role) inboxbot.Member
	// Flush renders the cards that are due and delivers the due direct
	// messages, once.
	Flush()
	// Card is conversation id's card as the inbox channel shows it.
	Card(id int64) Card
	// Press presses action's button on conversation id's card as member
	// as, the way the platform delivers a click; for Assign, target is
	// the person picked in the select.
	Press(as inboxbot.Member, id int64, action commands.Action, target inboxbot.Member) Answer
	// Reply writes text to the contact of conversation id as member as,
	// through the card's Reply button and its form.
	Reply(as inboxbot.Member, id int64, text string) Answer
	// DMs are the texts of the direct messages member has (one deleted
	// is gone), oldest first.
	DMs(to inboxbot.Member) []string
	// Failing makes the platform refuse every message it is sent (posts,
	// edits, DMs) with 429 or 500, before storing anything, until it is
	// called with false; then the back-off is over: every delivery that
	// waits to be retried is due (the store's clock moves past it).
	Failing(on bool)
	// Deadline is how long the platform waits for the first answer to a
	// click or a command.
	Deadline() time.Duration
	// Outsider presses action's button on conversation id's card, signed
	// as the platform signs, as a user of another workspace (Slack) or
	// from another guild (Discord) whom no member is linked to.
	Outsider(id int64, action commands.Action) Answer
	// Twice presses action's button on conversation id's card as member
	// as, runs between, then delivers the very same signed request again
	// (a replay within the signature window); it returns both answers.
	Twice(as inboxbot.Member, id int64, action commands.Action, between func()) (first, again Answer)
}

// Intake is what a Driver adds when its surface takes customers' messages
// in chat (conversations that start in chat): the suite runs the intake
// case only for Drivers that implement it.
type Intake interface {
	// CustomerWrites has the customer name, who is not a member, write
	// text in chat: a new request when id is 0 (it returns the
	// conversation that opened), else a message in conversation id's thread.
	CustomerWrites(name, text string, id int64) int64
	// MemberWrites has member as write text in conversation id's thread.
	MemberWrites(as inboxbot.Member, id int64, text string)
	// Thread is what conversation id's thread shows the customer, one
	// message a string, oldest first.
	Thread(id int64) []string
	// ThreadClosed reports whether the thread shows its conversation closed.
	ThreadClosed(id int64) bool
}

// Alerts is what a Driver adds when its surface sends managers the alert
// digest (bot.Digests) in direct messages: the suite runs the alerts case
// only for Drivers that implement it.
type Alerts interface {
	// Replica is what the alert digest of replica n renders through, on
	// the Driver's store and platform: n 0 is the Driver's own adapter,
	// any other n a further replica's.
	Replica(n int) (inboxbot.Platform, bot.DigestRenderer)
	// Posted counts the messages the platform accepted into member's
	// direct messages, and the edits it accepted to them.
	Posted(to inboxbot.Member) (posts, edits int)
	// PressAlert presses the button of the alert message member has, as
	// member, the way the platform delivers a click; the answer's Text is
	// everything the answer shows.
	PressAlert(as inboxbot.Member) Answer
}

// Card is a posted card as the suite reads it.
type Card struct {
	// Posted is how many messages show this conversation's card (one).
	Posted int
	// Actions are the card's buttons and selects, in any order.
	Actions []commands.Action
	// Text is everything the card shows, in the platform's markup.
	Text string
	// Pings reports whether the card, as sent, would notify anyone
	// (@channel, @everyone, a user mention).
	Pings bool
}

// Answer is what the person who clicked was told.
type Answer struct {
	// Text is the message shown to them ("" when the platform only
	// updated the card).
	Text string
	// Elapsed is how long the platform waited for its first answer.
	Elapsed time.Duration
}

// Run runs the suite; open builds a fresh Driver over st, a fresh store,
// for each test. A case run over PostgreSQL is skipped when
// storetest.EnvURL is unset.
func Run(t *testing.T, open func(t *testing.T, st *store.Store) Driver) {
	for _, tt := range []struct {
		name string
		test func(t *testing.T, d Driver)
		// dialect is the store's: a race between replicas is run
		// over PostgreSQL's locks.
		dialect string
	}{
		{"CardPostedThenEditedAfterAChangeMadeAnywhere", cardFollowsChanges, "sqlite"},
		{"ButtonsClaimAssignFollowUnassignCloseReopenReply", buttons, "sqlite"},
		{"SecondClaimerIsToldWhoHasIt", secondClaimer, "sqlite"},
		{"DMsGoToTheRightPeopleNeverTheActor", dmsToTheRightPeople, "sqlite"},
		{"CustomerTextPingsNobody", customerTextInert, "sqlite"},
		{"RetriesAfter429And500WithoutADuplicate", retries, "sqlite"},
		{"EveryClickIsCountedByName", counted, "sqlite"},
		{"AnOutsiderChangesNothingAndJoinsNobody", outsider, "sqlite"},
		{"AReplayedClickRunsOnce", replayed, "sqlite"},
		{"ACustomerWritesInChatAndIsAnsweredInTheThread", customerWritesInChat, "sqlite"},
		{"ManagerAlertsAreOneMessageEditedInPlace", managerAlerts, "postgres"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.test(t, open(t, storetest.Open(t, tt.dialect)))
		})
	}
}

// inbound plays a customer writing in.
func inbound(t *testing.T, d Driver, name, body string) inboxbot.Conversation {
	t.Helper()
	res, err := d.Store().AddInbound(t.Context(), inboxbot.Inbound{Kind: "message", Channel: "sms", Body: body,
		Contact: inboxbot.Contact{ExternalID: name, Name: name}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Conversation
}

func conversation(t *testing.T, d Driver, id int64) inboxbot.Conversation {
	t.Helper()
	c, err := d.Store().Conversation(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sameActions reports whether a card offers exactly want, in any order.
func sameActions(got, want []commands.Action) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// press presses a button and wants the answer within the deadline.
func press(t *testing.T, d Driver, as inboxbot.Member, id int64, a commands.Action, target inboxbot.Member) Answer {
	t.Helper()
	ans := d.Press(as, id, a, target)
	if ans.Elapsed >= d.Deadline() {
		t.Errorf("%s by %s was answered after %v; the platform gives up after %v", a, as.Name, ans.Elapsed, d.Deadline())
	}
	return ans
}

// Strings is every string value in a JSON document, one a line: what a
// platform shows (and might read as a mention) in a rendered payload.
func Strings(body []byte) string {
	var v any
	json.Unmarshal(body, &v)
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			b.WriteString(x + "\n")
		case map[string]any:
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return b.String()
}
