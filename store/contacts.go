package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/inboxbot/inboxbot"
)

// Contact returns the contact with an external id or, failing that, an
// e-mail address; ENOTFOUND when neither matches, EINVALID when the e-mail
// belongs to several contacts.
func (s *Store) Contact(ctx context.Context, ref string) (inboxbot.Contact, error) {
	return s.contact(ctx, s.db, ref)
}

func (s *Store) contact(ctx context.Context, db bun.IDB, ref string) (inboxbot.Contact, error) {
	var rows []contactRow
	err := db.NewSelect().Model(&rows).Where("external_id = ?", ref).Scan(ctx)
	if err == nil && len(rows) == 0 && strings.Contains(ref, "@") {
		err = db.NewSelect().Model(&rows).Where("lower(email) = lower(?)", ref).OrderExpr("id").Limit(10).Scan(ctx)
	}
	if err != nil {
		return inboxbot.Contact{}, wrap(err, "find contact")
	}
	switch len(rows) {
	case 0:
		return inboxbot.Contact{}, inboxbot.Errorf(inboxbot.ENOTFOUND, "No contact has the id or e-mail %q.", ref)
	case 1:
		cs, err := s.contactsByID(ctx, db, []int64{rows[0].ID})
		return cs[rows[0].ID], err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ExternalID
	}
	return inboxbot.Contact{}, inboxbot.Errorf(inboxbot.EINVALID, "Several contacts have the e-mail %s; use one of their ids: %s.", ref, strings.Join(ids, ", "))
}

// contactsByID loads contacts with their tags and owner names.
func (s *Store) contactsByID(ctx context.Context, db bun.IDB, ids []int64) (map[int64]inboxbot.Contact, error) {
	var rows []struct {
		contactRow `bun:",extend"`
		OwnerName  string `bun:"owner_name"`
	}
	err := db.NewSelect().Model(&rows).ModelTableExpr("contacts AS ct").Column("ct.*").
		ColumnExpr("coalesce(m.name, '') AS owner_name").
		Join("LEFT JOIN members AS m ON m.id = ct.owner_id").
		Where("ct.id IN (?)", bun.List(ids)).Scan(ctx)
	if err != nil {
		return nil, wrap(err, "load contacts")
	}
	var tags []struct {
		ContactID int64  `bun:"contact_id"`
		Tag       string `bun:"tag"`
	}
	err = db.NewSelect().Model(&tags).ModelTableExpr("contact_tags").ColumnExpr("contact_id, tag").
		Where("contact_id IN (?)", bun.List(ids)).OrderExpr("tag").Scan(ctx)
	if err != nil {
		return nil, wrap(err, "load tags")
	}
	byContact := map[int64][]string{}
	for _, t := range tags {
		byContact[t.ContactID] = append(byContact[t.ContactID], t.Tag)
	}
	out := make(map[int64]inboxbot.Contact, len(rows))
	for _, r := range rows {
		out[r.ID] = r.contactRow.domain(byContact[r.ID], r.OwnerName)
	}
	return out, nil
}

// upsertContact creates the contact with c.ExternalID or merges c into it:
// non-empty fields replace, tags are added, custom fields are merged. The
// contact row stays locked until tx ends. One statement, and one more for
// each of new custom fields and tags. Given a message id, the same
// statement finds the message of that id if it is stored already: a
// duplicate leaves the contact's tags and custom fields alone.
func (s *Store) upsertContact(ctx context.Context, tx bun.Tx, c inboxbot.Contact, messageID string) (savedContact, error) {
	now := s.now()
	r := contactRow{ExternalID: c.ExternalID, Name: c.Name, Email: c.Email, Phone: c.Phone, LeadSource: c.LeadSource,
		Region: c.Region, Custom: c.Custom, CreatedAt: now, UpdatedAt: now}
	var got struct {
		contactRow   `bun:",extend"`
		OwnerName    string `bun:"owner_name"`
		Tags         string `bun:"tag_list"`
		Created      bool   `bun:"created"`
		DuplicateOf  int64  `bun:"duplicate_of"`
		RulesVersion int64  `bun:"rules_version"`
	}
	q := tx.NewInsert().Model(&r).ModelTableExpr("contacts").On("CONFLICT (external_id) DO UPDATE")
	for _, col := range []string{"name", "email", "phone", "lead_source", "region"} {
		q = q.Set("? = CASE WHEN EXCLUDED.? <> '' THEN EXCLUDED.? ELSE contacts.? END",
			bun.Ident(col), bun.Ident(col), bun.Ident(col), bun.Ident(col))
	}
	// A row ON CONFLICT DO UPDATE updated has the updater in xmax; one
	// inserted, 0.
	isNew, rulesVersion := "false", "0"
	if s.pg {
		isNew, rulesVersion = "contacts.xmax = 0", "(SELECT n FROM rules_version)"
	}
	var msg any
	if messageID != "" {
		msg = messageID
	}
	q = q.Set("updated_at = EXCLUDED.updated_at").
		Returning("*, coalesce((SELECT o.name FROM members AS o WHERE o.id = contacts.owner_id), '') AS owner_name, "+
			s.tagsExpr("contacts.id")+" AS tag_list, "+isNew+" AS created, "+rulesVersion+" AS rules_version, "+
			"coalesce((SELECT m.conversation_id FROM messages AS m WHERE m.external_id = ?), 0) AS duplicate_of", msg)
	if err := q.Scan(ctx, &got); err != nil {
		return savedContact{}, wrap(err, "save contact")
	}
	r = got.contactRow
	saved := savedContact{created: got.Created, duplicateOf: got.DuplicateOf, rulesVersion: got.RulesVersion}
	if saved.duplicateOf != 0 {
		return saved, nil
	}
	// Custom fields merge into those the contact has: the row returned
	// holds the old ones when the contact existed.
	if merged, changed := mergeCustom(r.Custom, c.Custom); changed {
		if len(merged) > inboxbot.MaxCustomPairs {
			return savedContact{}, inboxbot.Errorf(inboxbot.EINVALID,
				"contact.custom: the contact would have %d fields; at most %d are allowed", len(merged), inboxbot.MaxCustomPairs)
		}
		r.Custom = merged
		if _, err := tx.NewUpdate().Model(&r).WherePK().Column("custom").Exec(ctx); err != nil {
			return savedContact{}, wrap(err, "update contact")
		}
	}
	var err error
	if saved.tagged, err = s.tagContact(ctx, tx, r.ID, c.Tags, nil); err != nil {
		return savedContact{}, err
	}
	tags := splitTags(got.Tags + " " + strings.Join(normalTags(c.Tags), " "))
	saved.contact = r.domain(slices.Compact(tags), got.OwnerName)
	return saved, nil
}

// savedContact is what upsertContact did: tagged, the contact got a tag it
// did not have; created, it is new (PostgreSQL only; false on SQLite), so
// it has no conversation to look for; duplicateOf, the conversation that
// holds the message already (the contact is then not read). rulesVersion
// is rules_version, read in passing (PostgreSQL only; 0 on SQLite).
type savedContact struct {
	contact         inboxbot.Contact
	tagged, created bool
	duplicateOf     int64
	rulesVersion    int64
}

// mergeCustom merges add into custom; changed when that changed anything.
func mergeCustom(custom, add map[string]string) (map[string]string, bool) {
	changed := false
	for k, v := range add {
		if old, ok := custom[k]; ok && old == v {
			continue
		}
		if custom == nil {
			custom = map[string]string{}
		}
		custom[k], changed = v, true
	}
	return custom, changed
}

// tagContact adds and removes tags, kept lower-case, and reports whether
// it added a tag the contact did not have.
func (s *Store) tagContact(ctx context.Context, tx bun.Tx, contactID int64, add, remove []string) (added bool, err error) {
	type tagRow struct {
		bun.BaseModel `bun:"table:contact_tags"`
		ContactID     int64  `bun:"contact_id"`
		Tag           string `bun:"tag"`
	}
	var rows []tagRow
	for _, t := range normalTags(add) {
		rows = append(rows, tagRow{ContactID: contactID, Tag: t})
	}
	if len(rows) > 0 {
		res, err := tx.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx)
		if err != nil {
			return false, wrap(err, "tag contact")
		}
		n, _ := res.RowsAffected()
		added = n > 0
	}
	if rm := normalTags(remove); len(rm) > 0 {
		_, err := tx.NewDelete().TableExpr("contact_tags").
			Where("contact_id = ? AND tag IN (?)", contactID, bun.List(rm)).Exec(ctx)
		if err != nil {
			return false, wrap(err, "untag contact")
		}
	}
	if added {
		// Each call is bounded; the sum of calls must be too.
		n, err := tx.NewSelect().TableExpr("contact_tags").Where("contact_id = ?", contactID).Count(ctx)
		if err != nil {
			return false, wrap(err, "count tags")
		}
		if n > inboxbot.MaxTags {
			return false, inboxbot.Errorf(inboxbot.EINVALID, "contact.tags: the contact would have %d tags; at most %d are allowed (remove some first)", n, inboxbot.MaxTags)
		}
	}
	return added, nil
}

func normalTags(tags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// lockContact locks a contact row by id until tx ends.
func (s *Store) lockContact(ctx context.Context, tx bun.Tx, id int64) (contactRow, error) {
	var r contactRow
	err := s.forUpdate(tx.NewSelect().Model(&r).Where("id = ?", id)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return r, inboxbot.Errorf(inboxbot.ENOTFOUND, "No such contact.")
	}
	return r, wrap(err, "lock contact")
}
