package accesslog

import (
	"bytes"
	"strconv"
	"strings"
)

// AppendEndpoint appends to dst the endpoint of a request: its method, a
// space and its path (without a method, the path alone). The path loses any
// scheme and host, its query string and fragment, and its segments that are
// all digits, UUIDs or 16 or more hexadecimal digits become ":id".
func AppendEndpoint(dst, method, target []byte) []byte {
	if len(method) > 0 {
		dst = append(append(dst, method...), ' ')
	}
	for _, scheme := range []string{"http://", "https://"} {
		if rest, ok := bytes.CutPrefix(target, []byte(scheme)); ok {
			if slash := bytes.IndexByte(rest, '/'); slash >= 0 {
				target = rest[slash:]
			} else {
				target = []byte("/")
			}
			break
		}
	}
	if cut := bytes.IndexAny(target, "?#"); cut >= 0 {
		target = target[:cut]
	}
	if len(target) == 0 {
		target = []byte("/")
	}
	for i := 0; i < len(target); {
		if target[i] == '/' {
			dst = append(dst, '/')
			i++
			continue
		}
		j := i
		for j < len(target) && target[j] != '/' {
			j++
		}
		if isID(target[i:j]) {
			dst = append(dst, ":id"...)
		} else {
			dst = append(dst, target[i:j]...)
		}
		i = j
	}
	return dst
}

// isID reports whether a path segment is an identifier: all digits, a UUID
// (8-4-4-4-12 hexadecimal digits), or at least 16 hexadecimal digits.
func isID(seg []byte) bool {
	digits, hex := true, true
	for _, c := range seg {
		digits = digits && c >= '0' && c <= '9'
		hex = hex && isHex(c)
	}
	switch {
	case digits:
		return true
	case hex:
		return len(seg) >= 16
	case len(seg) == 36:
		for i, c := range seg {
			if i == 8 || i == 13 || i == 18 || i == 23 {
				if c != '-' {
					return false
				}
			} else if !isHex(c) {
				return false
			}
		}
		return true
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// Slug returns a task class name for an endpoint: lowercase letters,
// digits, '.', '_' and '-', the path's slashes turned into '-' and ":id"
// into "id"; "GET /" is "get-root". It is at most 60 bytes long.
func Slug(endpoint string) string {
	var b []byte
	dash := false
	for i := 0; i < len(endpoint); i++ {
		c := endpoint[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '_':
		default:
			dash = len(b) > 0
			continue
		}
		if dash {
			b = append(b, '-')
			dash = false
		}
		b = append(b, c)
	}
	if len(b) > 60 {
		b = bytes.TrimRight(b[:60], "-")
	}
	if strings.HasSuffix(endpoint, " /") {
		b = append(b, "-root"...)
	}
	if len(b) == 0 {
		b = []byte("root")
	}
	return string(b)
}

// uniqueSlugs returns the slugs of endpoints, made unique with suffixes
// -2, -3, …; with other, the last endpoint stands for the endpoints folded
// together and gets "other", which no other one gets.
func uniqueSlugs(endpoints []string, other bool) []string {
	used := make(map[string]bool)
	out := make([]string, len(endpoints))
	n := len(endpoints)
	if other {
		n--
		out[n], used["other"] = "other", true
	}
	for i, e := range endpoints[:n] {
		base := Slug(e)
		s := base
		for k := 2; used[s]; k++ {
			s = base + "-" + strconv.Itoa(k)
		}
		used[s] = true
		out[i] = s
	}
	return out
}
