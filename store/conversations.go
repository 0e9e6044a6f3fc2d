package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// defaultListLimit caps a list when the filter sets no limit.
const defaultListLimit = 50

// Conversation returns a conversation with its contact, assignee and
// followers, or ENOTFOUND.
func (s *Store) Conversation(ctx context.Context, id int64) (inboxbot.Conversation, error) {
	return s.conversation(ctx, s.db, id)
}

func (s *Store) conversation(ctx context.Context, db bun.IDB, id int64) (inboxbot.Conversation, error) {
	cs, err := s.conversations(ctx, db, func(q *bun.SelectQuery) *bun.SelectQuery {
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
	return s.conversations(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
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
		return q.OrderExpr("c.last_message_at DESC, c.id DESC").Limit(int64(limit))
	})
}

// conversationView is a conversation row joined with what people see.
type conversationView struct {
	conversationRow `bun:",extend"`

	ContactExternalID string `bun:"contact_external_id"`
	AssigneeName      string `bun:"assignee_name"`
}

// conversations loads conversations chosen by where, with their contacts,
// tags and followers, in three queries whatever their number.
func (s *Store) conversations(ctx context.Context, db bun.IDB, where func(*bun.SelectQuery) *bun.SelectQuery) ([]inboxbot.Conversation, error) {
	var rows []conversationView
	q := db.NewSelect().Model(&rows).ModelTableExpr("conversations AS c").Column("c.*").
		ColumnExpr("ct.external_id AS contact_external_id").
		ColumnExpr("coalesce(m.name, '') AS assignee_name").
		Join("JOIN contacts AS ct ON ct.id = c.contact_id").
		Join("LEFT JOIN members AS m ON m.id = c.assignee_id")
	if err := where(q).Scan(ctx); err != nil {
		return nil, wrap(err, "list conversations")
	}
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	contactIDs := make([]int64, len(rows))
	for i, r := range rows {
		ids[i], contactIDs[i] = r.ID, r.ContactID
	}
	contacts, err := s.contactsByID(ctx, db, contactIDs)
	if err != nil {
		return nil, err
	}
	followers, err := s.followers(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	out := make([]inboxbot.Conversation, len(rows))
	for i, r := range rows {
		out[i] = inboxbot.Conversation{
			ID: r.ID, Contact: contacts[r.ContactID], Channel: r.Channel, Subject: r.Subject,
			Status: r.Status, AssigneeID: r.AssigneeID, AssigneeName: r.AssigneeName,
			Followers: followers[r.ID], LastMessageAt: r.LastMessageAt, Preview: r.Preview,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		}
	}
	return out, nil
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

// lockConversation reads a conversation row and locks it until the
// transaction ends; ENOTFOUND when there is none.
func (s *Store) lockConversation(ctx context.Context, tx bun.Tx, id int64) (conversationRow, error) {
	var r conversationRow
	err := s.forUpdate(tx.NewSelect().Model(&r).Where("id = ?", id)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound(id)
	}
	return r, wrap(err, "lock conversation")
}
