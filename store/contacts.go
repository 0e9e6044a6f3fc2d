package store

import (
	"context"
	"database/sql"
	"errors"
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
// contact row stays locked until tx ends. tagged reports whether the
// contact got a tag it did not have.
func (s *Store) upsertContact(ctx context.Context, tx bun.Tx, c inboxbot.Contact) (contact inboxbot.Contact, tagged bool, err error) {
	now := s.now()
	ins := contactRow{ExternalID: c.ExternalID, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.NewInsert().Model(&ins).On("CONFLICT (external_id) DO NOTHING").Exec(ctx); err != nil {
		return inboxbot.Contact{}, false, wrap(err, "create contact")
	}
	var r contactRow
	if err := s.forUpdate(tx.NewSelect().Model(&r).Where("external_id = ?", c.ExternalID)).Scan(ctx); err != nil {
		return inboxbot.Contact{}, false, wrap(err, "lock contact")
	}
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&r.Name, c.Name}, {&r.Email, c.Email}, {&r.Phone, c.Phone},
		{&r.LeadSource, c.LeadSource}, {&r.Region, c.Region},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	if len(c.Custom) > 0 && r.Custom == nil {
		r.Custom = map[string]string{}
	}
	for k, v := range c.Custom {
		r.Custom[k] = v
	}
	if len(r.Custom) > inboxbot.MaxCustomPairs {
		return inboxbot.Contact{}, false, inboxbot.Errorf(inboxbot.EINVALID, "contact.custom: the contact would have %d fields; at most %d are allowed", len(r.Custom), inboxbot.MaxCustomPairs)
	}
	r.UpdatedAt = now
	if _, err := tx.NewUpdate().Model(&r).WherePK().
		Column("name", "email", "phone", "lead_source", "region", "custom", "updated_at").Exec(ctx); err != nil {
		return inboxbot.Contact{}, false, wrap(err, "update contact")
	}
	if tagged, err = s.tagContact(ctx, tx, r.ID, c.Tags, nil); err != nil {
		return inboxbot.Contact{}, false, err
	}
	cs, err := s.contactsByID(ctx, tx, []int64{r.ID})
	return cs[r.ID], tagged, err
}

// tagContact adds and removes tags, kept lower-case, and reports whether
// it added a tag the contact did not have.
func (s *Store) tagContact(ctx context.Context, tx bun.Tx, contactID int64, add, remove []string) (added bool, err error) {
	for _, t := range normalTags(add) {
		res, err := tx.NewInsert().Model(&struct {
			bun.BaseModel `bun:"table:contact_tags"`
			ContactID     int64  `bun:"contact_id"`
			Tag           string `bun:"tag"`
		}{ContactID: contactID, Tag: t}).On("CONFLICT DO NOTHING").Exec(ctx)
		if err != nil {
			return false, wrap(err, "tag contact")
		}
		if n, _ := res.RowsAffected(); n > 0 {
			added = true
		}
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
