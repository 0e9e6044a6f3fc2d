package store

import (
	"context"
	"database/sql/driver"
	"math"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// bun sends every statement as finished text, its values written in as
// literals, so PostgreSQL parses and plans each statement anew: planning
// was a third of a routed inbound's time in the database. The hot paths
// run with planned(ctx): their statements reach PostgreSQL with the
// literals taken back out as parameters, so that every statement of one
// shape has one text, which pgx prepares once per connection and the
// server then runs with a plan it keeps. Only statements whose plan does
// not depend on their values are run this way: the operations on one
// conversation (an inbound, claim, assign, follow, status change, reply,
// show), whose statements are writes and lookups by key. A list must
// keep its literals: its partial index matches one status only, and a
// kept plan for any status could not use it.

type plannedKey struct{}

// planned marks ctx's statements to be kept planned on PostgreSQL.
func planned(ctx context.Context) context.Context {
	return context.WithValue(ctx, plannedKey{}, true)
}

func isPlanned(ctx context.Context) bool { return ctx.Value(plannedKey{}) != nil }

// plannedConnector makes plannedConns.
type plannedConnector struct{ driver.Connector }

func (c plannedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return plannedConn{conn.(*stdlib.Conn)}, nil
}

// plannedConn runs statements marked planned as prepared statements and
// every other one with the simple protocol, in one round trip. A text of
// several statements (Store.batch) goes as one pipeline of prepared
// statements, stopping at the first error as the text would.
type plannedConn struct{ *stdlib.Conn }

func (c plannedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if isPlanned(ctx) && len(args) == 0 {
		if stmts := parameterize(query); len(stmts) == 1 {
			return c.Conn.QueryContext(ctx, stmts[0].text, stmts[0].args(pgx.QueryExecModeCacheStatement))
		}
	}
	return c.Conn.QueryContext(ctx, query, withMode(pgx.QueryExecModeSimpleProtocol, args))
}

func (c plannedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	var stmts []parameterized
	if isPlanned(ctx) && len(args) == 0 {
		stmts = parameterize(query)
	}
	switch len(stmts) {
	case 0:
		return c.Conn.ExecContext(ctx, query, withMode(pgx.QueryExecModeSimpleProtocol, args))
	case 1:
		return c.Conn.ExecContext(ctx, stmts[0].text, stmts[0].args(pgx.QueryExecModeCacheStatement))
	}
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.text, st.values...)
	}
	// The connection's default mode, the statement cache, runs the batch.
	err := c.Conn.Conn().SendBatch(ctx, b).Close()
	return driver.RowsAffected(0), err
}

// withMode puts pgx's execution mode before args.
func withMode(mode pgx.QueryExecMode, args []driver.NamedValue) []driver.NamedValue {
	out := make([]driver.NamedValue, 0, len(args)+1)
	out = append(out, driver.NamedValue{Ordinal: 1, Value: mode})
	for _, a := range args {
		a.Ordinal++
		out = append(out, a)
	}
	return out
}

// A parameterized statement: text with $1, $2, ... where the literals were,
// and their values, as PostgreSQL's text form.
type parameterized struct {
	text   string
	values []any
}

func (p parameterized) args(mode pgx.QueryExecMode) []driver.NamedValue {
	args := make([]driver.NamedValue, len(p.values))
	for i, v := range p.values {
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return withMode(mode, args)
}

// parameterize splits query into its statements and takes their literals
// out as parameters; nil when query has parameters of its own or quoting
// it cannot follow (dollar quotes, E'…' strings).
//
// A string literal becomes a parameter of unknown type, which PostgreSQL
// types from where it stands exactly as it types the literal; one that
// follows a word isValueKeyword does not name is left in place, since it
// may be a typed literal (interval '1 day'). A number becomes a
// parameter cast to the type PostgreSQL gives the literal (int4, int8 or
// numeric), except after BY, where a number is a column's position.
func parameterize(query string) []parameterized {
	var (
		out  []parameterized
		cur  parameterized
		text strings.Builder
		word string // the last word; "" after anything else
	)
	text.Grow(len(query) + 16)
	param := func(value string, cast string) {
		cur.values = append(cur.values, value)
		text.WriteByte('$')
		text.WriteString(strconv.Itoa(len(cur.values)))
		text.WriteString(cast)
	}
	end := func() {
		if s := strings.TrimSpace(text.String()); s != "" {
			cur.text = s
			out = append(out, cur)
		}
		cur, word = parameterized{}, ""
		text = strings.Builder{}
	}
	for i := 0; i < len(query); {
		c := query[i]
		switch {
		case c == '\'':
			if i > 0 && (isWordByte(query[i-1]) || isDigit(query[i-1]) || query[i-1] == '&') {
				return nil // E'', B'', X'' or U&''
			}
			j, doubled := quoted(query, i)
			switch {
			case j < 0:
				return nil
			case word != "" && !isValueKeyword(word):
				text.WriteString(query[i:j])
			case doubled:
				param(strings.ReplaceAll(query[i+1:j-1], "''", "'"), "")
			default:
				param(query[i+1:j-1], "")
			}
			i, word = j, ""
		case c == '"':
			j, _ := quoted(query, i)
			if j < 0 {
				return nil
			}
			text.WriteString(query[i:j])
			i, word = j, ""
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			text.WriteString(query[i : i+j])
			i += j
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			j := strings.Index(query[i:], "*/")
			if j < 0 {
				return nil
			}
			text.WriteString(query[i : i+j+2])
			i += j + 2
		case c == '$':
			return nil // a parameter or a dollar quote
		case c == ';':
			end()
			i++
		case isDigit(c) || c == '.' && i+1 < len(query) && isDigit(query[i+1]):
			j, cast := number(query, i)
			if strings.EqualFold(word, "BY") {
				text.WriteString(query[i:j])
			} else {
				param(query[i:j], cast)
			}
			i, word = j, ""
		case isWordByte(c):
			j := i
			for j < len(query) && (isWordByte(query[j]) || isDigit(query[j]) || query[j] == '$') {
				j++
			}
			text.WriteString(query[i:j])
			i, word = j, query[i:j]
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			text.WriteByte(c)
			i++
		default:
			text.WriteByte(c)
			i, word = i+1, ""
		}
	}
	end()
	return out
}

// isValueKeyword reports whether a string literal that follows word is
// still a value rather than a typed literal.
func isValueKeyword(word string) bool {
	for _, k := range []string{"SELECT", "WHERE", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "CASE", "LIKE", "ILIKE", "FROM", "RETURNING"} {
		if strings.EqualFold(word, k) {
			return true
		}
	}
	return false
}

// quoted reads the quoted text (a string or an identifier) starting at
// query[i]: the index after it (-1 when it does not end) and whether its
// quote is doubled inside it.
func quoted(query string, i int) (int, bool) {
	doubled := false
	for j := i + 1; j < len(query); j++ {
		switch {
		case query[j] != query[i]:
		case j+1 < len(query) && query[j+1] == query[i]:
			doubled = true
			j++
		default:
			return j + 1, doubled
		}
	}
	return -1, doubled
}

// number reads the numeric literal starting at i: the index after it and
// the cast that gives its parameter the literal's type.
func number(query string, i int) (int, string) {
	j, integer := i, true
	for j < len(query) && isDigit(query[j]) {
		j++
	}
	if j < len(query) && query[j] == '.' {
		integer = false
		for j++; j < len(query) && isDigit(query[j]); j++ {
		}
	}
	if j < len(query) && (query[j] == 'e' || query[j] == 'E') {
		k := j + 1
		if k < len(query) && (query[k] == '+' || query[k] == '-') {
			k++
		}
		if k < len(query) && isDigit(query[k]) {
			integer = false
			for j = k; j < len(query) && isDigit(query[j]); j++ {
			}
		}
	}
	if !integer {
		return j, "::numeric"
	}
	n, err := strconv.ParseInt(query[i:j], 10, 64)
	switch {
	case err != nil:
		return j, "::numeric"
	case n > math.MaxInt32:
		return j, "::int8"
	}
	return j, "::int4"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}
