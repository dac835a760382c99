package strategies

import (
	"os"
	"slices"
	"strings"
	"testing"

	"asyncsim/sim"
)

// TestReadmeTableIsGenerated: the README's table of strategy parameters
// is Reference's output, so that it cannot drift from the schema.
func TestReadmeTableIsGenerated(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	head := "| kind | parameter | default | meaning |\n"
	i := strings.Index(string(data), head)
	if i < 0 {
		t.Fatalf("README.md has no table starting %q", head)
	}
	table := string(data[i:])
	if end := strings.Index(table, "\n\n"); end >= 0 {
		table = table[:end+1]
	}
	if want := Reference(); table != want {
		t.Errorf("README.md's strategy table\n%s\nis not Reference()'s\n%s\n(paste the output of 'asyncsim help strategies')", table, want)
	}
}

// TestSchemas: every kind has a schema, every parameter sets a field of
// a type the workload parser reads, with a default and a meaning, and no
// key is declared twice for a kind.
func TestSchemas(t *testing.T) {
	if len(Schemas) != len(Kinds) {
		t.Fatalf("%d schemas for %d kinds", len(Schemas), len(Kinds))
	}
	for i, k := range Kinds {
		s, ok := SchemaOf(k)
		if !ok || s != &Schemas[i] {
			t.Fatalf("SchemaOf(%s) = %v, %v; want Schemas[%d]", k, s, ok, i)
		}
		keys := s.Keys()
		for j, key := range keys {
			if slices.Contains(keys[:j], key) {
				t.Errorf("%s: key %s declared twice", k, key)
			}
			p, ok := s.Param(key)
			if !ok || p.Doc == "" {
				t.Errorf("%s: key %s has no parameter or no meaning", k, key)
				continue
			}
			if key == "name" || key == "kind" || key == "runtime" {
				continue
			}
			var c Config
			switch p.Field(&c).(type) {
			case *int, *bool, *sim.Time, *float64:
			case *string:
				if len(p.Values) == 0 {
					t.Errorf("%s: %s is a string with no values", k, key)
				}
			default:
				t.Errorf("%s: %s sets a %T", k, key, p.Field(&c))
			}
			if p.Default == "" {
				t.Errorf("%s: %s has no default", k, key)
			}
		}
		if tail := keys[len(keys)-len(Common)+2:]; keys[0] != "name" || keys[1] != "kind" || !slices.Equal(tail, []string{"switch_cost", "backlog", "backlog_full"}) {
			t.Errorf("%s: keys %v; want name, kind first and switch_cost, backlog, backlog_full last", k, keys)
		}
	}
	var distinct []string
	for _, s := range Schemas {
		for _, p := range s.Params {
			if !slices.Contains(distinct, p.Key) {
				distinct = append(distinct, p.Key)
			}
		}
	}
	n := len(Common) + len(distinct)
	if all := AllKeys(); len(all) != n || all[0] != "name" || all[len(all)-1] != "backlog_full" {
		t.Errorf("AllKeys() = %v; want the %d distinct keys, name first and backlog_full last", all, n)
	}
}

// TestCommonBacklog: a backlog bounds the queue, backlog_full defaults to
// reject, and the combinations that could have no effect are refused at
// the key at fault.
func TestCommonBacklog(t *testing.T) {
	tests := []struct {
		name        string
		c           Config
		given       []string
		wantBounded bool
		wantFull    string
		wantKey     string
	}{
		{"no backlog", Config{Kind: KindBlocking}, nil, false, BacklogReject, ""},
		{"backlog 0", Config{Kind: KindBlocking}, []string{"backlog"}, true, BacklogReject, ""},
		{"syn_retry", Config{Kind: KindThreaded, Threads: 4, BacklogFull: BacklogSYNRetry}, []string{"backlog", "backlog_full"}, true, BacklogSYNRetry, ""},
		{"event_loop capped", Config{Kind: KindEventLoop, MaxConcurrency: 10}, []string{"backlog"}, true, BacklogReject, ""},
		{"event_loop uncapped", Config{Kind: KindEventLoop}, []string{"backlog"}, true, BacklogReject, "backlog"},
		{"thread per task", Config{Kind: KindThreaded}, []string{"backlog"}, true, BacklogReject, "backlog"},
		{"backlog_full alone", Config{Kind: KindBlocking, BacklogFull: BacklogReject}, []string{"backlog_full"}, false, BacklogReject, "backlog_full"},
	}
	for _, tt := range tests {
		given := func(key string) bool { return slices.Contains(tt.given, key) }
		c := tt.c
		ResolveCommon(&c, given)
		key, problem := CheckCommon(&c, given)
		if c.Bounded != tt.wantBounded || c.BacklogFull != tt.wantFull || key != tt.wantKey || (problem == "") != (tt.wantKey == "") {
			t.Errorf("%s: bounded %t, backlog_full %q, problem at %q: %q; want %t, %q, at %q",
				tt.name, c.Bounded, c.BacklogFull, key, problem, tt.wantBounded, tt.wantFull, tt.wantKey)
		}
	}
}
