package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Members returns every member, by name, with open counts.
func (s *Store) Members(ctx context.Context) ([]inboxbot.Member, error) {
	return s.members(ctx, s.db)
}

func (s *Store) members(ctx context.Context, db bun.IDB) ([]inboxbot.Member, error) {
	var rows []memberRow
	err := db.NewSelect().Model(&rows).ModelTableExpr("members AS m").Column("m.*").
		OrderExpr("lower(m.name)").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "list members")
	}
	out := make([]inboxbot.Member, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// Member returns the member with id, or ENOTFOUND.
func (s *Store) Member(ctx context.Context, id int64) (inboxbot.Member, error) {
	return s.memberWhere(ctx, s.db, "m.id = ?", id)
}

// MemberByName returns the member named name (case-insensitively), or ENOTFOUND.
func (s *Store) MemberByName(ctx context.Context, name string) (inboxbot.Member, error) {
	return s.memberWhere(ctx, s.db, "lower(m.name) = lower(?)", name)
}

// MemberByPlatform returns the member linked to a Slack or Discord user id,
// or ENOTFOUND.
func (s *Store) MemberByPlatform(ctx context.Context, platform inboxbot.Platform, userID string) (inboxbot.Member, error) {
	col, err := platformColumn(platform)
	if err != nil {
		return inboxbot.Member{}, err
	}
	return s.memberWhere(ctx, s.db, "m.? = ?", bun.Ident(col), userID)
}

func (s *Store) memberWhere(ctx context.Context, db bun.IDB, where string, args ...any) (inboxbot.Member, error) {
	var r memberRow
	err := db.NewSelect().Model(&r).ModelTableExpr("members AS m").Column("m.*").
		Where(where, args...).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "No such member.")
	}
	if err != nil {
		return inboxbot.Member{}, wrap(err, "get member")
	}
	return r.domain(), nil
}

// membersWhere returns the members matching where, by id.
func (s *Store) membersWhere(ctx context.Context, db bun.IDB, where string, args ...any) (map[int64]inboxbot.Member, error) {
	var rows []memberRow
	err := db.NewSelect().Model(&rows).ModelTableExpr("members AS m").Column("m.*").
		Where(where, args...).OrderExpr("m.id").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "get members")
	}
	out := make(map[int64]inboxbot.Member, len(rows))
	for _, r := range rows {
		out[r.ID] = r.domain()
	}
	return out, nil
}

// membersByID adds to known the members with ids it lacks, in one
// statement (none when it lacks none), and returns it.
func (s *Store) membersByID(ctx context.Context, db bun.IDB, known map[int64]inboxbot.Member, ids ...int64) (map[int64]inboxbot.Member, error) {
	if known == nil {
		known = map[int64]inboxbot.Member{}
	}
	var missing []int64
	for _, id := range ids {
		if _, ok := known[id]; !ok && id != 0 && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return known, nil
	}
	found, err := s.membersWhere(ctx, db, "m.id IN (?)", bun.List(missing))
	for id, m := range found {
		known[id] = m
	}
	return known, err
}

// managers returns the managers and admins, whom alerts go to.
func (s *Store) managers(ctx context.Context, db bun.IDB) ([]inboxbot.Member, error) {
	ms, err := s.membersWhere(ctx, db, "m.role IN (?)", bun.List([]string{string(inboxbot.RoleManager), string(inboxbot.RoleAdmin)}))
	out := make([]inboxbot.Member, 0, len(ms))
	for _, m := range ms {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b inboxbot.Member) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// shiftOpenCount moves one open conversation from member from to member
// to (either 0 for nobody) in the maintained open counts. Every statement
// that changes an open conversation's assignee, or the status of an
// assigned one, runs it in its transaction.
func (s *Store) shiftOpenCount(ctx context.Context, tx bun.Tx, from, to int64) error {
	return wrap(s.batch(ctx, tx, openCountShift(tx, from, to)...), "count open conversations")
}

// openCountShift is shiftOpenCount's statement, none when from is to.
func openCountShift(tx bun.Tx, from, to int64) []bun.Query {
	if from == to {
		return nil
	}
	var ids []int64
	for _, id := range []int64{from, to} {
		if id != 0 {
			ids = append(ids, id)
		}
	}
	return []bun.Query{tx.NewUpdate().Table("members").
		Set("open_count = open_count + CASE WHEN id = ? THEN 1 ELSE -1 END", to).
		Where("id IN (?)", bun.List(ids))}
}

func platformColumn(platform inboxbot.Platform) (string, error) {
	switch platform {
	case inboxbot.PlatformSlack:
		return "slack_id", nil
	case inboxbot.PlatformDiscord:
		return "discord_id", nil
	}
	return "", inboxbot.Errorf(inboxbot.EINVALID, "Unknown platform %q.", platform)
}

// CreateMember adds a member; a taken name or platform id, or a name that
// looks like a member's, is ECONFLICT.
func (s *Store) CreateMember(ctx context.Context, m inboxbot.Member) (inboxbot.Member, error) {
	if err := validMember(m); err != nil {
		return inboxbot.Member{}, err
	}
	if m.Role == "" {
		m.Role = inboxbot.RoleAgent
	}
	if err := s.checkLookAlike(ctx, s.db, m.Name); err != nil {
		return inboxbot.Member{}, err
	}
	r := memberRowOf(m)
	r.CreatedAt = s.now()
	_, err := s.db.NewInsert().Model(&r).Returning("id").Exec(ctx)
	if err != nil {
		return inboxbot.Member{}, memberConflict(err, m)
	}
	return r.domain(), nil
}

// checkLookAlike refuses (ECONFLICT) a new member's name that looks like
// an existing member's (inboxbot.CheckMemberNameAmong). It is a check, not
// a constraint: two look-alikes created in the same instant both pass.
func (s *Store) checkLookAlike(ctx context.Context, db bun.IDB, name string) error {
	var names []string
	if err := db.NewSelect().Table("members").Column("name").Scan(ctx, &names); err != nil {
		return wrap(err, "list member names")
	}
	return inboxbot.CheckMemberNameAmong(name, names)
}

// UpsertMember creates the member named m.Name or updates its role, links,
// time zone, hours, regions and capacity (availability and notification
// settings are the member's own and are kept).
func (s *Store) UpsertMember(ctx context.Context, m inboxbot.Member) (inboxbot.Member, error) {
	if err := validMember(m); err != nil {
		return inboxbot.Member{}, err
	}
	var out inboxbot.Member
	err := s.tx(ctx, func(tx bun.Tx) error {
		var err error
		out, err = s.upsertMember(ctx, tx, m)
		return err
	})
	return out, err
}

func (s *Store) upsertMember(ctx context.Context, tx bun.Tx, m inboxbot.Member) (inboxbot.Member, error) {
	if m.Role == "" {
		m.Role = inboxbot.RoleAgent
	}
	cur, err := s.memberWhere(ctx, tx, "lower(m.name) = lower(?)", m.Name)
	if inboxbot.ErrorCode(err) == inboxbot.ENOTFOUND {
		if err := s.checkLookAlike(ctx, tx, m.Name); err != nil {
			return inboxbot.Member{}, err
		}
		r := memberRowOf(m)
		r.CreatedAt = s.now()
		if _, err := tx.NewInsert().Model(&r).Returning("id").Exec(ctx); err != nil {
			return inboxbot.Member{}, memberConflict(err, m)
		}
		return r.domain(), nil
	}
	if err != nil {
		return inboxbot.Member{}, err
	}
	// Names match case-insensitively; the member keeps the case they have.
	m.ID, m.Name, m.Away, m.Muted, m.CreatedAt = cur.ID, cur.Name, cur.Away, cur.Muted, cur.CreatedAt
	r := memberRowOf(m)
	_, err = tx.NewUpdate().Model(&r).WherePK().
		Column("name", "role", "slack_id", "discord_id", "timezone", "hours", "regions", "capacity").Exec(ctx)
	if err != nil {
		return inboxbot.Member{}, memberConflict(err, m)
	}
	return r.domain(), nil
}

func validMember(m inboxbot.Member) error {
	if err := inboxbot.CheckMemberName(m.Name); err != nil {
		return err
	}
	if m.Role != "" && !m.Role.Valid() {
		return inboxbot.Errorf(inboxbot.EINVALID, "Role must be agent, manager or admin (got %q).", m.Role)
	}
	if m.Capacity < 0 {
		return inboxbot.Errorf(inboxbot.EINVALID, "Capacity cannot be negative.")
	}
	return nil
}

func memberConflict(err error, m inboxbot.Member) error {
	switch {
	case uniqueViolation(err, "members_name_key"):
		return inboxbot.Errorf(inboxbot.ECONFLICT, "There is already a member named %s.", m.Name)
	case uniqueViolation(err, "members_slack_id_key"):
		return inboxbot.Errorf(inboxbot.ECONFLICT, "Slack user %s is already linked to another member.", m.SlackID)
	case uniqueViolation(err, "members_discord_id_key"):
		return inboxbot.Errorf(inboxbot.ECONFLICT, "Discord user %s is already linked to another member.", m.DiscordID)
	}
	return wrap(err, "save member "+m.Name)
}

// EnsurePlatformMember returns the member linked to a platform user, making
// them an agent named after name on first use. A taken name gets a numeric
// suffix. Concurrent first uses by the same user yield one member.
func (s *Store) EnsurePlatformMember(ctx context.Context, platform inboxbot.Platform, userID, name string) (inboxbot.Member, error) {
	m, err := s.MemberByPlatform(ctx, platform, userID)
	if inboxbot.ErrorCode(err) != inboxbot.ENOTFOUND {
		return m, err
	}
	base := memberName(name, userID)
	if inboxbot.CheckMemberName(base) != nil {
		base = memberName(userID, userID)
	}
	for i := 1; i <= 50; i++ {
		cand := inboxbot.Member{Name: base, Role: inboxbot.RoleAgent}
		if i > 1 {
			cand.Name = fmt.Sprintf("%s%d", base, i)
		}
		if platform == inboxbot.PlatformSlack {
			cand.SlackID = userID
		} else {
			cand.DiscordID = userID
		}
		m, err = s.CreateMember(ctx, cand)
		if err == nil {
			return m, nil
		}
		if inboxbot.ErrorCode(err) != inboxbot.ECONFLICT {
			return m, err
		}
		// Someone else linked this user meanwhile: theirs is the one.
		if m, err := s.MemberByPlatform(ctx, platform, userID); err == nil {
			return m, nil
		}
	}
	return inboxbot.Member{}, inboxbot.Errorf(inboxbot.ECONFLICT, "Could not find a free member name for %s.", base)
}

// memberName makes a one-word member name out of a platform display name.
func memberName(name, fallback string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case b.Len() >= inboxbot.MaxNameLength-3: // room for a numeric suffix
		case r == ' ' || r == '\t':
			b.WriteRune('.')
		case strings.ContainsRune("@<>,\r\n", r):
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return strings.ToLower(fallback)
	}
	return b.String()
}

// SetRole changes a member's role.
func (s *Store) SetRole(ctx context.Context, id int64, role inboxbot.Role) error {
	if !role.Valid() {
		return inboxbot.Errorf(inboxbot.EINVALID, "Role must be agent, manager or admin (got %q).", role)
	}
	return s.updateMember(ctx, id, "role = ?", string(role))
}

// SetAway marks a member away or available.
func (s *Store) SetAway(ctx context.Context, id int64, away bool) error {
	return s.updateMember(ctx, id, "away = ?", away)
}

// SetNotify turns one notification kind on or off for a member.
func (s *Store) SetNotify(ctx context.Context, id int64, kind string, on bool) (inboxbot.Member, error) {
	valid := false
	for _, k := range inboxbot.NotifyKinds {
		valid = valid || k == kind
	}
	if !valid {
		return inboxbot.Member{}, inboxbot.Errorf(inboxbot.EINVALID, "Unknown notification kind %q: use assigned, reassigned, following or alerts.", kind)
	}
	var out inboxbot.Member
	err := s.tx(ctx, func(tx bun.Tx) error {
		m, err := s.memberWhere(ctx, tx, "m.id = ?", id)
		if err != nil {
			return err
		}
		var muted []string
		for _, k := range m.Muted {
			if k != kind {
				muted = append(muted, k)
			}
		}
		if !on {
			muted = append(muted, kind)
		}
		m.Muted = muted
		r := memberRowOf(m)
		if _, err := tx.NewUpdate().Model(&r).WherePK().Column("muted").Exec(ctx); err != nil {
			return wrap(err, "set notifications")
		}
		out = m
		return nil
	})
	return out, err
}

func (s *Store) updateMember(ctx context.Context, id int64, set string, arg any) error {
	res, err := s.db.NewUpdate().Table("members").Set(set, arg).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return wrap(err, "update member")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return inboxbot.Errorf(inboxbot.ENOTFOUND, "No such member.")
	}
	return nil
}
