package inboxbot

import (
	"strings"
	"unicode"
)

// BidiControl reports whether r is a bidirectional formatting character:
// the embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069
// and the marks U+200E, U+200F and U+061C. In a name or a message they
// make text show in another order than it was written ("U+202E" turns
// "exe.txt" around), so surfaces drop them from what people wrote.
func BidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// WithoutBidi returns s without its bidi controls (see BidiControl), for
// showing text people wrote on a chat surface; the stored text keeps them.
func WithoutBidi(s string) string {
	if strings.IndexFunc(s, BidiControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if BidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// scripts are the writing systems the mixed-script rule tells apart.
// Letters of any other script count as their own ("other"); digits,
// punctuation and marks belong to none.
var scripts = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek},
	{"Han", unicode.Han}, {"Hiragana", unicode.Hiragana}, {"Katakana", unicode.Katakana},
	{"Hangul", unicode.Hangul}, {"Bopomofo", unicode.Bopomofo}, {"Arabic", unicode.Arabic},
	{"Hebrew", unicode.Hebrew}, {"Armenian", unicode.Armenian}, {"Georgian", unicode.Georgian},
}

// scriptMixes are the mixtures a name may use, as Unicode TR39's "highly
// restrictive" level allows: Latin with the scripts Japanese, Chinese or
// Korean are written in together.
var scriptMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// mixedScripts returns two scripts whose letters name mixes in a way no
// one writes (Latin with Cyrillic, as in "dаna" with a Cyrillic а), or ok
// false when it does not.
func mixedScripts(name string) (a, b string, mixed bool) {
	var seen []string
	for _, r := range name {
		if !unicode.IsLetter(r) {
			continue
		}
		s := "another script"
		for _, sc := range scripts {
			if unicode.Is(sc.table, r) {
				s = sc.name
				break
			}
		}
		if !contains(seen, s) {
			seen = append(seen, s)
		}
	}
	if len(seen) < 2 {
		return "", "", false
	}
	for _, mix := range scriptMixes {
		if all(seen, mix) {
			return "", "", false
		}
	}
	return seen[0], seen[1], true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func all(list, in []string) bool {
	for _, x := range list {
		if !contains(in, x) {
			return false
		}
	}
	return true
}

// confusables maps letters that look like Latin ones to those: a small
// part of Unicode's confusables.txt (TR39), for the Cyrillic and Greek
// look-alikes of Latin letters and the Latin and digit look-alikes of each
// other. It is not the whole table: golang.org/x/text has none, and the
// root of the module uses the standard library alone.
var confusables = map[rune]string{
	// Cyrillic
	'а': "a", 'в': "b", 'е': "e", 'о': "o", 'р': "p", 'с': "c", 'у': "y", 'х': "x", 'ѕ': "s", 'і': "i",
	'ј': "j", 'ԁ': "d", 'һ': "h", 'ӏ': "l", 'ԛ': "q", 'ԝ': "w", 'ү': "y",
	'А': "A", 'В': "B", 'Е': "E", 'К': "K", 'М': "M", 'Н': "H", 'О': "O", 'Р': "P", 'С': "C", 'Т': "T",
	'Х': "X", 'Ѕ': "S", 'І': "l", 'Ј': "J", 'Ү': "Y", 'Ԁ': "D", 'Ԛ': "Q", 'Ԝ': "W", 'Ӏ': "l",
	// Greek
	'α': "a", 'ο': "o", 'ρ': "p", 'ν': "v", 'ι': "i", 'υ': "u", 'χ': "x", 'γ': "y", 'κ': "k",
	'Α': "A", 'Β': "B", 'Ε': "E", 'Ζ': "Z", 'Η': "H", 'Ι': "l", 'Κ': "K", 'Μ': "M", 'Ν': "N",
	'Ο': "O", 'Ρ': "P", 'Τ': "T", 'Υ': "Y", 'Χ': "X",
	// Latin, Armenian and digits
	'I': "l", '1': "l", '|': "l", '0': "O", 'ı': "i", 'ɡ': "g", 'ո': "n",
}

// Skeleton returns the confusable skeleton of a name, after Unicode TR39:
// every letter that looks like a Latin one replaced by it ("dаna" with a
// Cyrillic а is "dana"), "rn" read as "m", and case folded, since member
// names already compare without case. Two names with one skeleton look
// alike on a screen.
func Skeleton(name string) string {
	var b strings.Builder
	for _, r := range name {
		if s, ok := confusables[r]; ok {
			b.WriteString(s)
			continue
		}
		b.WriteRune(r)
	}
	return strings.ReplaceAll(strings.ToLower(b.String()), "rn", "m")
}

// CheckMemberNameAmong returns CheckMemberName's verdict on name, then
// refuses (ECONFLICT) a name that looks like one of existing without being
// it: its skeleton is theirs ("dаna", "Ԁana" beside "dana"). existing are
// the names of the members there are; the same name in another case is
// the same member, not a look-alike.
func CheckMemberNameAmong(name string, existing []string) error {
	if err := CheckMemberName(name); err != nil {
		return err
	}
	sk := Skeleton(name)
	for _, other := range existing {
		if !strings.EqualFold(other, name) && Skeleton(other) == sk {
			return Errorf(ECONFLICT, "%q cannot be a member name: it looks like the member %s (letters that look the same on screen).", Clip(name), other)
		}
	}
	return nil
}
