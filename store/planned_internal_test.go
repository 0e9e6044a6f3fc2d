package store

import (
	"reflect"
	"testing"
)

func TestParameterize_TakesLiteralsOutAsPostgreSQLWouldTypeThem(t *testing.T) {
	cases := []struct {
		query string
		want  []parameterized
	}{
		{`SELECT "m".* FROM members AS m WHERE (lower(m.name) IN ('ann', 'o''hara')) AND id = 42 LIMIT 1`,
			[]parameterized{{`SELECT "m".* FROM members AS m WHERE (lower(m.name) IN ($1, $2)) AND id = $3::int4 LIMIT $4::int4`,
				[]any{"ann", "o'hara", "42", "1"}}}},
		// The type of each number is the literal's: int4, int8, numeric.
		{`UPDATE t SET a = 2147483648, b = -1.5, c = 1e3, d = 99999999999999999999 WHERE x = 7`,
			[]parameterized{{`UPDATE t SET a = $1::int8, b = -$2::numeric, c = $3::numeric, d = $4::numeric WHERE x = $5::int4`,
				[]any{"2147483648", "1.5", "1e3", "99999999999999999999", "7"}}}},
		// Words with digits, quoted identifiers, casts and comments are
		// text; a typed literal and a position after BY stay as they are.
		{`SELECT nextval('rule_turn_1'::regclass), "col""1" FROM t2 -- it's 3
WHERE at > now() - interval '1 day' /* 'x' 4 */ AND s = 'a;b' ORDER BY 1, CASE WHEN k = 'open' THEN 0 ELSE 1 END`,
			[]parameterized{{`SELECT nextval($1::regclass), "col""1" FROM t2 -- it's 3
WHERE at > now() - interval '1 day' /* 'x' 4 */ AND s = $2 ORDER BY 1, CASE WHEN k = $3 THEN $4::int4 ELSE $5::int4 END`,
				[]any{"rule_turn_1", "a;b", "open", "0", "1"}}}},
		// Statements are numbered apart.
		{"INSERT INTO a VALUES (1, 'x');\nUPDATE b SET n = n + 1 WHERE id = 2;",
			[]parameterized{{`INSERT INTO a VALUES ($1::int4, $2)`, []any{"1", "x"}}, {`UPDATE b SET n = n + $1::int4 WHERE id = $2::int4`, []any{"1", "2"}}}},
		{`SELECT 'a' || 'b' AS x, TRUE, NULL`, []parameterized{{`SELECT $1 || $2 AS x, TRUE, NULL`, []any{"a", "b"}}}},
		// What it cannot follow it leaves alone.
		{`SELECT $1`, nil},
		{`SELECT $$a$$`, nil},
		{`SELECT E'a\'b'`, nil},
		{`SELECT 'unterminated`, nil},
	}
	for _, c := range cases {
		if got := parameterize(c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("parameterize(%q)\n got %#v\nwant %#v", c.query, got, c.want)
		}
	}
}
