package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// SLABatch is how many due conversations one SLATimer call looks at most.
const SLABatch = 100

// SLATick is what one run of the service-level timer did.
type SLATick struct {
	// Looked counts the due conversations read; Warned, Breached and
	// Steps what was done to them. Breached names each missed target.
	Looked, Warned, Steps int
	Breached              []string
	// Moved are conversations an escalation step reassigned or returned
	// to the Team inbox.
	Moved []inboxbot.Conversation
	// Next is when the timer has something to do next, as far as this
	// run saw (zero: nothing, or a full batch that may have more now).
	Next time.Time
}

// errSLARaced rolls back a timer transaction whose row another replica
// handled first.
var errSLARaced = errors.New("service level handled by another replica")

// SLATimer sends the warnings, breaches and escalation steps that are due
// now, each once: it reads at most a batch of the index of timer times
// (never the whole table), and handles each conversation in a transaction
// of its own that skips one another replica holds (FOR UPDATE SKIP LOCKED
// on PostgreSQL) and writes only if the row's step counter and timer are
// still what it read. route places a conversation a step moves to the
// rule's next member. inbox are the platforms whose inbox channel a step
// with post: inbox posts in (none: the console's).
func (s *Store) SLATimer(ctx context.Context, route inboxbot.RouteFunc, inbox []inboxbot.Platform) (SLATick, error) {
	var tick SLATick
	var ids []int64
	err := s.db.NewSelect().Table("conversations").Column("id").Where("sla_timer_at <= ?", s.now()).
		OrderExpr("sla_timer_at, id").Limit(SLABatch).Scan(ctx, &ids)
	if err != nil {
		return tick, wrap(err, "find due service levels")
	}
	for _, id := range ids {
		tick.Looked++
		if err := s.slaOne(ctx, id, route, inbox, &tick); err != nil {
			return tick, wrap(err, "service level of "+inboxbot.Ref(id))
		}
	}
	if len(ids) < SLABatch {
		// The same index: the earliest timer still ahead.
		err := s.db.NewSelect().Table("conversations").Column("sla_timer_at").Where("sla_timer_at > ?", s.now()).
			OrderExpr("sla_timer_at").Limit(1).Scan(ctx, &tick.Next)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return tick, wrap(err, "find the next service level")
		}
	}
	if s.SLA != nil {
		for _, t := range tick.Breached {
			s.SLA.SLABreached(t)
		}
	}
	return tick, nil
}

// slaOne handles one due conversation, if it is still due.
func (s *Store) slaOne(ctx context.Context, id int64, route inboxbot.RouteFunc, inbox []inboxbot.Platform, tick *SLATick) error {
	var done SLATick
	err := s.tx(ctx, func(tx bun.Tx) error {
		done = SLATick{}
		now := s.now()
		var row conversationRow
		q := tx.NewSelect().Model(&row).Where("id = ? AND sla_timer_at <= ?", id, now)
		if s.pg {
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return wrap(err, "lock service level")
		}
		step, timer := row.SLAStep, row.SLATimerAt
		policies, err := s.slaPolicies(ctx, tx)
		if err != nil {
			return err
		}
		p := policyByID(policies, row.SLAPolicyID)
		if p != nil && row.Status == inboxbot.StatusOpen {
			if err := s.slaDue(ctx, tx, &row, p, now, route, inbox, &done); err != nil {
				return err
			}
		}
		schedule(&row, p)
		if p == nil {
			row.SLAPolicyID = 0
		}
		res, err := tx.NewUpdate().Model(&row).Column(slaColumns...).
			Where("id = ? AND sla_step = ? AND sla_timer_at = ?", id, step, timer).Exec(ctx)
		if err != nil {
			return wrap(err, "save service level")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSLARaced
		}
		return nil
	})
	if errors.Is(err, errSLARaced) {
		return nil
	}
	if err == nil {
		tick.Warned += done.Warned
		tick.Steps += done.Steps
		tick.Breached = append(tick.Breached, done.Breached...)
		tick.Moved = append(tick.Moved, done.Moved...)
	}
	return err
}

// slaDue does what is due for row under p at now: breaches, the warning,
// escalation steps; row is updated, the caller saves it.
func (s *Store) slaDue(ctx context.Context, tx bun.Tx, row *conversationRow, p *inboxbot.Policy, now time.Time, route inboxbot.RouteFunc, inbox []inboxbot.Platform, done *SLATick) error {
	conv, err := s.conversation(ctx, tx, row.ID)
	if err != nil {
		return err
	}
	conv.SLA.Policy = p.Name
	missed := splitList(row.SLABreached)
	for _, t := range targets(*row) {
		if t.due.IsZero() || t.due.After(now) || slices.Contains(missed, t.name) {
			continue
		}
		missed = append(missed, t.name)
		if row.SLABreachedAt.IsZero() || t.due.Before(row.SLABreachedAt) {
			row.SLABreachedAt = t.due
		}
		done.Breached = append(done.Breached, t.name)
		if err := recordBreach(ctx, tx, row, t); err != nil {
			return err
		}
		n := slaNotice(inboxbot.EventSLABreach, conv, p, t)
		if err := s.tellSLA(ctx, tx, conv, n, fmt.Sprintf("sla:%d:%s:%d", row.ID, t.name, t.due.UnixMicro())); err != nil {
			return err
		}
	}
	row.SLABreached = strings.Join(missed, ",")
	schedule(row, p)
	if !row.SLADueAt.IsZero() && p.WarnBefore > 0 && !row.SLADueAt.Add(-p.WarnBefore).After(now) && !row.SLAWarnedFor.Equal(row.SLADueAt) {
		row.SLAWarnedFor = row.SLADueAt
		done.Warned++
		for _, t := range targets(*row) {
			if t.due.Equal(row.SLADueAt) && !slices.Contains(missed, t.name) {
				n := slaNotice(inboxbot.EventSLAWarning, conv, p, t)
				if err := s.tellSLA(ctx, tx, conv, n, fmt.Sprintf("slawarn:%d:%d", row.ID, t.due.UnixMicro())); err != nil {
					return err
				}
				break
			}
		}
	}
	for !row.SLABreachedAt.IsZero() && row.SLAStep < len(p.Escalate) && !row.SLABreachedAt.Add(p.Escalate[row.SLAStep].After).After(now) {
		if conv, err = s.slaStep(ctx, tx, row, conv, p, route, inbox, done); err != nil {
			return err
		}
		row.SLAStep++
		done.Steps++
	}
	return nil
}

// slaStep takes escalation step row.SLAStep of p.
func (s *Store) slaStep(ctx context.Context, tx bun.Tx, row *conversationRow, conv inboxbot.Conversation, p *inboxbot.Policy, route inboxbot.RouteFunc, inbox []inboxbot.Platform, done *SLATick) (inboxbot.Conversation, error) {
	e := p.Escalate[row.SLAStep]
	missed := splitList(row.SLABreached)
	t := target{name: missed[0]}
	for _, x := range targets(*row) {
		if x.name == t.name {
			t = x
		}
	}
	key := fmt.Sprintf("slastep:%d:%d:%d", row.ID, row.SLABreachedAt.UnixMicro(), row.SLAStep)
	// At the breach itself (after 0), the breach DM already told the
	// assignee and followers.
	if e.After > 0 && (slices.Contains(e.Notify, inboxbot.NotifyAssignee) || slices.Contains(e.Notify, inboxbot.NotifyFollowers)) {
		n := slaNotice(inboxbot.EventSLABreach, conv, p, t)
		if err := s.tellSLA(ctx, tx, conv, n, key, e.Notify...); err != nil {
			return conv, err
		}
	}
	if slices.Contains(e.Notify, inboxbot.NotifyManagers) || e.Post == inboxbot.PostInbox {
		if err := s.escalate(ctx, tx, row); err != nil {
			return conv, err
		}
	}
	if e.Post == inboxbot.PostInbox {
		if err := s.postInbox(ctx, tx, slaNotice(inboxbot.EventSLAEscalation, conv, p, t), key, inbox); err != nil {
			return conv, err
		}
	}
	if e.Reassign == "" || !conv.Assigned() {
		return conv, nil
	}
	// The change of hands must not save the service level under the
	// timer, whose own save is conditional on the timer it read: the timer
	// counts the due times again itself. Under business hours they follow
	// the new assignee, as after any change of hands.
	sla := conv.SLA
	conv.SLA.Policy = ""
	conv, err := s.slaReassign(ctx, tx, conv, p, e.Reassign, t, route)
	if err != nil {
		return conv, err
	}
	conv.SLA = sla
	done.Moved = append(done.Moved, conv)
	row.AssigneeID = conv.AssigneeID
	if p.Hours == inboxbot.HoursBusiness {
		due, err := s.dueFunc(ctx, tx, *row, p)
		if err != nil {
			return conv, err
		}
		reclock(row, p, due)
	}
	return conv, nil
}

// slaReassign moves conv on by an escalation step: to the rule's next
// member (reassign: next), else to the Team inbox, where the drain offers
// it to the rules.
func (s *Store) slaReassign(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, p *inboxbot.Policy, to string, t target, route inboxbot.RouteFunc) (inboxbot.Conversation, error) {
	if to == inboxbot.ReassignNext && conv.RuleID != 0 && route != nil {
		var r ruleRow
		err := tx.NewSelect().Model(&r).Where("id = ?", conv.RuleID).Scan(ctx)
		if err == nil {
			next := inboxbot.Next{RuleID: r.ID, Passed: []int64{conv.AssigneeID}, From: conv.AssigneeName}
			conv, _, err = s.moveOn(ctx, tx, conv, r.domain(), next, route)
			return conv, err
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return conv, wrap(err, "load rule")
		}
	}
	reason := fmt.Sprintf("service level %q: %s missed", p.Name, strings.ReplaceAll(t.name, "_", " "))
	return s.applyChange(ctx, tx, conv, inboxbot.Change{ConversationID: conv.ID, Reason: reason}, nil)
}

// escalate records that an escalation step reached the managers (and,
// with post: inbox, the inbox channel): sla_escalation is the highest such
// step, which the managers' alert digest counts; the conversation's cards
// are made due again, so that they show the escalation.
func (s *Store) escalate(ctx context.Context, tx bun.Tx, row *conversationRow) error {
	row.SLAEscalation = row.SLAStep + 1
	_, err := tx.NewUpdate().Table("conversations").Set("version = version + 1").Where("id = ?", row.ID).Exec(ctx)
	return wrap(err, "escalate")
}

// postInbox queues the line of an escalation step with post: inbox for
// the inbox channel of each platform in inbox (the console's when none):
// an outbox row addressed to no member, delivered with the usual
// guarantees. key is the step's: the timer's conditional save and the
// unique key make it one line per step and platform across replicas.
func (s *Store) postInbox(ctx context.Context, tx bun.Tx, n inboxbot.Notice, key string, inbox []inboxbot.Platform) error {
	data, err := json.Marshal(n)
	if err != nil {
		return wrap(err, "encode inbox line")
	}
	if len(inbox) == 0 {
		inbox = []inboxbot.Platform{inboxbot.PlatformShell}
	}
	now := s.now()
	rows := make([]notificationRow, len(inbox))
	for i, platform := range inbox {
		rows[i] = notificationRow{Kind: string(n.Event), ConversationID: n.ConversationID, Platform: platform,
			Notice: string(data), DedupeKey: fmt.Sprintf("%s:inbox:%s", key, platform), State: statePending,
			NextAttemptAt: now, CreatedAt: now}
	}
	_, err = tx.NewInsert().Model(&rows).On("CONFLICT (dedupe_key) DO NOTHING").Exec(ctx)
	return wrap(err, "queue inbox line")
}

// recordBreach writes the breach of target t to sla_breaches, with the
// assignee at the breach (none: the Team inbox), for /inbox stats; the
// timer's conditional save makes it once across replicas.
func recordBreach(ctx context.Context, tx bun.Tx, row *conversationRow, t target) error {
	var assignee *int64
	if row.AssigneeID != 0 {
		assignee = &row.AssigneeID
	}
	_, err := tx.NewRaw("INSERT INTO sla_breaches (conversation_id, target, assignee_id, at) VALUES (?, ?, ?, ?)",
		row.ID, t.name, assignee, t.due.UTC()).Exec(ctx)
	return wrap(err, "record breach")
}

// tellSLA sends n to the members who names (assignee, followers) of
// conv; the same key never tells a member twice.
func (s *Store) tellSLA(ctx context.Context, tx bun.Tx, conv inboxbot.Conversation, n inboxbot.Notice, key string, who ...string) error {
	if len(who) == 0 {
		who = []string{inboxbot.NotifyAssignee, inboxbot.NotifyFollowers}
	}
	var rs []recipient
	seen := map[int64]bool{}
	if slices.Contains(who, inboxbot.NotifyAssignee) && conv.Assigned() {
		m, err := s.memberWhere(ctx, tx, "m.id = ?", conv.AssigneeID)
		if err != nil {
			return err
		}
		seen[m.ID] = true
		rs = append(rs, recipient{member: m, event: n.Event})
	}
	if slices.Contains(who, inboxbot.NotifyFollowers) {
		for _, f := range conv.Followers {
			if !seen[f.ID] {
				seen[f.ID] = true
				rs = append(rs, recipient{member: f, event: n.Event})
			}
		}
	}
	return s.notify(ctx, tx, rs, n, key)
}

// slaNotice is the notice of a warning or breach of target t.
func slaNotice(ev inboxbot.Event, conv inboxbot.Conversation, p *inboxbot.Policy, t target) inboxbot.Notice {
	n := inboxbot.NoticeOf(ev, conv)
	n.Target, n.Due, n.Policy = t.name, t.due, p.Name
	return n
}
