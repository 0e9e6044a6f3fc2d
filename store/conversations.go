package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// defaultListLimit caps a list when the filter sets no limit.
const defaultListLimit = 50

// Conversation returns a conversation with its contact, assignee and
// followers, or ENOTFOUND.
func (s *Store) Conversation(ctx context.Context, id int64) (inboxbot.Conversation, error) {
	return s.conversation(planned(ctx), s.db, id)
}

func (s *Store) conversation(ctx context.Context, db bun.IDB, id int64) (inboxbot.Conversation, error) {
	cs, err := s.conversations(ctx, db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("c.id = ?", id)
	})
	if err != nil {
		return inboxbot.Conversation{}, err
	}
	if len(cs) == 0 {
		return inboxbot.Conversation{}, notFound(id)
	}
	return cs[0], nil
}

// List returns the conversations that match f, most recent activity first.
func (s *Store) List(ctx context.Context, f inboxbot.Filter) ([]inboxbot.Conversation, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	return s.conversations(ctx, s.db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		if f.AssigneeID != 0 {
			q = q.Where("c.assignee_id = ?", f.AssigneeID)
		}
		if f.Unassigned {
			q = q.Where("c.assignee_id IS NULL")
		}
		if f.FollowerID != 0 {
			q = q.Where("EXISTS (SELECT 1 FROM followers f WHERE f.conversation_id = c.id AND f.member_id = ?)", f.FollowerID)
		}
		if f.Status != "" {
			q = q.Where("c.status = ?", f.Status)
		}
		if f.Tag != "" {
			q = q.Where("EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.contact_id AND t.tag = lower(?))", f.Tag)
		}
		if f.Channel != "" {
			q = q.Where("lower(c.channel) = lower(?)", f.Channel)
		}
		if f.LeadSource != "" {
			q = q.Where("lower(ct.lead_source) = lower(?)", f.LeadSource)
		}
		// The service-level filters read their partial indexes in order.
		switch f.SLA {
		case inboxbot.SLADue:
			return q.Where("c.sla_due_at IS NOT NULL").OrderExpr("c.sla_due_at, c.id").Limit(int64(limit))
		case inboxbot.SLABreached:
			return q.Where("c.sla_breached_at IS NOT NULL").OrderExpr("c.sla_breached_at, c.id").Limit(int64(limit))
		}
		return q.OrderExpr("c.last_message_at DESC, c.id DESC").Limit(int64(limit))
	})
}

// conversationView is a conversation row joined with its contact, the
// contact's tags and owner, and the assignee's name: one row per
// conversation, so that a conversation is read in one statement (and its
// followers in a second).
type conversationView struct {
	conversationRow `bun:",extend"`

	AssigneeName      string            `bun:"assignee_name"`
	ContactExternalID string            `bun:"ct_external_id"`
	ContactName       string            `bun:"ct_name"`
	ContactEmail      string            `bun:"ct_email"`
	ContactPhone      string            `bun:"ct_phone"`
	ContactLeadSource string            `bun:"ct_lead_source"`
	ContactRegion     string            `bun:"ct_region"`
	ContactCustom     map[string]string `bun:"ct_custom,type:json"`
	ContactOwnerID    int64             `bun:"ct_owner_id,nullzero"`
	ContactOwnerName  string            `bun:"ct_owner_name"`
	SLAPolicyName     string            `bun:"sla_policy_name"`
	ContactCreatedAt  time.Time         `bun:"ct_created_at"`
	ContactTags       string            `bun:"ct_tags"`
	// Followed says whether anyone follows it: the followers are read
	// only for the rows that have some.
	Followed bool `bun:"followed,scanonly"`
}

// contact is the conversation's contact as the domain sees it.
func (r conversationView) contact() inboxbot.Contact {
	return contactRow{ID: r.ContactID, ExternalID: r.ContactExternalID, Name: r.ContactName, Email: r.ContactEmail,
		Phone: r.ContactPhone, LeadSource: r.ContactLeadSource, Region: r.ContactRegion, Custom: r.ContactCustom,
		OwnerID: r.ContactOwnerID, CreatedAt: r.ContactCreatedAt}.domain(splitTags(r.ContactTags), r.ContactOwnerName)
}

// domain is the conversation with followers.
func (r conversationView) domain(followers []inboxbot.Member) inboxbot.Conversation {
	return inboxbot.Conversation{
		ID: r.ID, Contact: r.contact(), Channel: r.Channel, Subject: r.Subject,
		Status: r.Status, AssigneeID: r.AssigneeID, AssigneeName: r.AssigneeName,
		Followers: followers, LastMessageAt: r.LastMessageAt, Preview: r.Preview,
		ReplyFailed: !r.ReplyFailedAt.IsZero(), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		WaitingSince: r.UnassignedSince, RuleID: r.AssignedRuleID, ReplyDue: r.ReassignDueAt,
		Origin: r.origin(),
		SLA:    r.sla(),
	}
}

// tagsExpr aggregates the tags of the contact whose id is the SQL
// expression contactID into one space-separated string (tags are one word
// each); splitTags sorts them.
func (s *Store) tagsExpr(contactID string) string {
	agg := "group_concat(t.tag, ' ')"
	if s.pg {
		agg = "string_agg(t.tag, ' ')"
	}
	return "coalesce((SELECT " + agg + " FROM contact_tags AS t WHERE t.contact_id = " + contactID + "), '')"
}

func splitTags(list string) []string {
	tags := strings.Fields(list)
	if len(tags) == 0 {
		return nil
	}
	sort.Strings(tags)
	return tags
}

// conversations loads conversations chosen by where, with their contacts,
// tags and followers, in two statements whatever their number (one when
// nobody follows them). With lock, the conversation rows stay locked until
// tx ends.
func (s *Store) conversations(ctx context.Context, db bun.IDB, lock bool, where func(*bun.SelectQuery) *bun.SelectQuery) ([]inboxbot.Conversation, error) {
	rows, err := s.conversationRows(ctx, db, lock, where)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	followers, err := s.followersOf(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	out := make([]inboxbot.Conversation, len(rows))
	for i, r := range rows {
		out[i] = r.domain(followers[r.ID])
	}
	return out, nil
}

// conversationRows is the one statement of conversations.
func (s *Store) conversationRows(ctx context.Context, db bun.IDB, lock bool, where func(*bun.SelectQuery) *bun.SelectQuery) ([]conversationView, error) {
	var rows []conversationView
	q := s.conversationSelect(db.NewSelect().Model(&rows), "conversations AS c")
	if lock && s.pg {
		q = q.For("UPDATE OF c")
	}
	if err := where(q).Scan(ctx); err != nil {
		return nil, wrap(err, "list conversations")
	}
	return rows, nil
}

// conversationSelect makes q read conversationViews from the conversation
// rows of from, aliased c: the table, or a WITH query that returns them.
func (s *Store) conversationSelect(q *bun.SelectQuery, from string) *bun.SelectQuery {
	return q.ModelTableExpr(from).Column("c.*").
		ColumnExpr("coalesce(m.name, '') AS assignee_name").
		ColumnExpr("ct.external_id AS ct_external_id, ct.name AS ct_name, ct.email AS ct_email, ct.phone AS ct_phone").
		ColumnExpr("ct.lead_source AS ct_lead_source, ct.region AS ct_region, ct.custom AS ct_custom").
		ColumnExpr("ct.owner_id AS ct_owner_id, ct.created_at AS ct_created_at").
		ColumnExpr("coalesce((SELECT o.name FROM members AS o WHERE o.id = ct.owner_id), '') AS ct_owner_name").
		ColumnExpr(s.tagsExpr("c.contact_id") + " AS ct_tags").
		ColumnExpr("coalesce((SELECT sp.name FROM sla_policies AS sp WHERE sp.id = c.sla_policy_id), '') AS sla_policy_name").
		ColumnExpr("EXISTS (SELECT 1 FROM followers AS f WHERE f.conversation_id = c.id) AS followed").
		Join("JOIN contacts AS ct ON ct.id = c.contact_id").
		Join("LEFT JOIN members AS m ON m.id = c.assignee_id")
}

// followersOf reads the followers of the rows that have some; no
// statement when none has.
func (s *Store) followersOf(ctx context.Context, db bun.IDB, rows []conversationView) (map[int64][]inboxbot.Member, error) {
	var ids []int64
	for _, r := range rows {
		if r.Followed {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return s.followers(ctx, db, ids)
}

func (s *Store) followers(ctx context.Context, db bun.IDB, convIDs []int64) (map[int64][]inboxbot.Member, error) {
	var rows []struct {
		ConversationID int64 `bun:"conversation_id"`
		memberRow      `bun:",extend"`
	}
	err := db.NewSelect().Model(&rows).ModelTableExpr("followers AS f").
		ColumnExpr("f.conversation_id").ColumnExpr("m.*").
		Join("JOIN members AS m ON m.id = f.member_id").
		Where("f.conversation_id IN (?)", bun.List(convIDs)).
		OrderExpr("f.created_at, m.id").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list followers")
	}
	out := map[int64][]inboxbot.Member{}
	for _, r := range rows {
		out[r.ConversationID] = append(out[r.ConversationID], r.memberRow.domain())
	}
	return out, nil
}

// Messages returns the last limit messages of a conversation, oldest first.
func (s *Store) Messages(ctx context.Context, convID int64, limit int) ([]inboxbot.Message, error) {
	var rows []messageRow
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("messages AS m").Column("m.*").
		ColumnExpr("coalesce(a.name, '') AS author_name").
		Join("LEFT JOIN members AS a ON a.id = m.author_id").
		Where("m.conversation_id = ?", convID).OrderExpr("m.id DESC").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list messages")
	}
	out := make([]inboxbot.Message, len(rows))
	for i, r := range rows {
		out[len(rows)-1-i] = r.domain()
	}
	return out, nil
}

// History returns a conversation's assignment events, oldest first.
func (s *Store) History(ctx context.Context, convID int64) ([]inboxbot.AssignmentEvent, error) {
	var rows []struct {
		eventRow  `bun:",extend"`
		FromName  string `bun:"from_name"`
		ToName    string `bun:"to_name"`
		ActorName string `bun:"actor_name"`
	}
	err := s.db.NewSelect().Model(&rows).ModelTableExpr("assignment_events AS e").Column("e.*").
		ColumnExpr("coalesce(mf.name, '') AS from_name").
		ColumnExpr("coalesce(mt.name, '') AS to_name").
		ColumnExpr("coalesce(ma.name, '') AS actor_name").
		Join("LEFT JOIN members AS mf ON mf.id = e.from_id").
		Join("LEFT JOIN members AS mt ON mt.id = e.to_id").
		Join("LEFT JOIN members AS ma ON ma.id = e.actor_id").
		Where("e.conversation_id = ?", convID).OrderExpr("e.id").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list history")
	}
	out := make([]inboxbot.AssignmentEvent, len(rows))
	for i, r := range rows {
		out[i] = inboxbot.AssignmentEvent{
			ID: r.ID, ConversationID: r.ConversationID, Kind: r.Kind, FromID: r.FromID, FromName: r.FromName,
			ToID: r.ToID, ToName: r.ToName, ActorID: r.ActorID, ActorName: r.ActorName, Via: r.Via,
			RuleID: r.RuleID, RuleName: r.RuleName, Reason: r.Reason, At: r.CreatedAt,
		}
	}
	return out, nil
}

// lockConversation reads a conversation and locks its row until the
// transaction ends; ENOTFOUND when there is none.
func (s *Store) lockConversation(ctx context.Context, tx bun.Tx, id int64) (inboxbot.Conversation, error) {
	cs, err := s.conversations(ctx, tx, true, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("c.id = ?", id)
	})
	if err != nil {
		return inboxbot.Conversation{}, wrap(err, "lock conversation")
	}
	if len(cs) == 0 {
		return inboxbot.Conversation{}, notFound(id)
	}
	return cs[0], nil
}

// lockChecked locks a conversation as lockConversation does and runs
// check on it, when set: a permission that depends on who holds it cannot
// race a concurrent change.
func (s *Store) lockChecked(ctx context.Context, tx bun.Tx, id int64, check func(inboxbot.Conversation) error) (inboxbot.Conversation, error) {
	conv, err := s.lockConversation(ctx, tx, id)
	if err == nil && check != nil {
		err = check(conv)
	}
	return conv, err
}

// lockConversationRow locks a conversation's row alone, for changes that
// need neither its contact nor its followers.
func (s *Store) lockConversationRow(ctx context.Context, tx bun.Tx, id int64) (conversationRow, error) {
	var r conversationRow
	err := s.forUpdate(tx.NewSelect().Model(&r).Where("id = ?", id)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound(id)
	}
	return r, wrap(err, "lock conversation")
}
