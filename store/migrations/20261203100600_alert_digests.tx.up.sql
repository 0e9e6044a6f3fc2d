-- Each manager has one alert message per platform, edited in place: the
-- digest of what needs someone (store/digests.go). shown is the text the
-- message shows now; a round whose text differs makes the row due. Rows
-- are leased like cards.
CREATE TABLE alert_digests (
	member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
	platform TEXT NOT NULL,
	channel TEXT NOT NULL DEFAULT '',
	message_id TEXT NOT NULL DEFAULT '',
	shown TEXT NOT NULL DEFAULT '',
	shown_total INTEGER NOT NULL DEFAULT 0,
	posted_at {{.Time}},
	lease_owner TEXT,
	lease_until {{.Time}},
	updated_at {{.Time}} NOT NULL,
	PRIMARY KEY (member_id, platform)
);
